"""`/journey digest` without arguments opens a form (day, time, time zone, on or off) in the
language of the person who opened it; each field is checked on submission with the error
under its input; the one-liner still works beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import chosen, last_opened
from tests.handlers.payloads import command, submit_view
from tests.handlers.test_digests_over_http import answer, digests, set_clock, tick
from tests.handlers.watcher_fixtures import WatchChannel
from tests.slack_standin import SlackStandIn

pytest_plugins = ["tests.handlers.watcher_fixtures"]

SHARED = "C0SHAREDFRM"


def open_form(slack: Slack, *, user: str, channel: str = CLIENTS) -> dict[str, Any]:
    before = len(slack.standin.calls("views.open"))
    status, ack, _url = command(slack, "digest", user=user, channel=channel)
    assert (status, ack.strip()) == (200, "")
    return last_opened(slack, before + 1)


def values(
    *, day: str | None = "0", at: str | None = "09:00", zone: str = "Europe/Paris", on: str = "on"
) -> dict[str, Any]:
    return {
        "digest-weekday": chosen(day),
        "digest-time": {"value": {"type": "timepicker", "selected_time": at}},
        "digest-timezone": {"value": {"type": "plain_text_input", "value": zone}},
        "digest-enabled": {
            "value": {
                "type": "radio_buttons",
                "selected_option": {"text": {"type": "plain_text", "text": on}, "value": on},
            }
        },
    }


def labels(view: dict[str, Any]) -> list[str]:
    return [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]


def test_the_form_opens_prefilled_and_saves_a_schedule(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # a Wednesday
    view = open_form(slack, user=ANNA)
    assert view["callback_id"] == "digest-settings-modal"
    assert labels(view) == ["Day", "Time", "Time zone", "Weekly digest"]
    by_id = {block.get("block_id"): block for block in view["blocks"]}
    assert by_id["digest-weekday"]["element"]["initial_option"]["value"] == "0"
    assert by_id["digest-time"]["element"]["initial_time"] == "09:00"
    assert by_id["digest-timezone"]["element"]["initial_value"] == "Europe/London"  # Anna's
    assert "no weekly digest" in view["blocks"][0]["elements"][0]["text"]
    status, ack = submit_view(slack, view, values(day="4", at="16:30"), user=ANNA)
    assert (status, ack) == (200, {})
    [told] = slack.standin.wait_for("chat.postEphemeral")
    assert "every Friday at 4:30\u202fPM (Europe/Paris)" in told.args["text"]
    assert "every Friday at 4:30\u202fPM" in answer(slack, "digest status", user=ANNA)
    reopened = open_form(slack, user=ANNA)  # now prefilled with the channel's schedule
    by_id = {block.get("block_id"): block for block in reopened["blocks"]}
    assert by_id["digest-weekday"]["element"]["initial_option"]["value"] == "4"
    assert by_id["digest-time"]["element"]["initial_time"] == "16:30"
    set_clock(slack, datetime(2026, 11, 27, 15, 30, tzinfo=UTC))  # Friday 16:30 in Paris
    tick(slack)
    assert len(digests(slack)) == 1


def test_each_field_that_cant_be_read_gets_its_error_and_nothing_is_saved(slack: Slack) -> None:
    view = open_form(slack, user=ANNA)
    status, ack = submit_view(slack, view, values(day=None, zone="Mars/Olympus"), user=ANNA)
    assert status == 200
    assert ack["response_action"] == "errors"
    assert ack["errors"] == {
        "digest-weekday": "Pick the day the digest is posted.",
        "digest-timezone": (
            "Unknown time zone. Use a name such as Europe/Paris or America/New_York."
        ),
    }
    _status, ack = submit_view(slack, view, values(at=None), user=ANNA)
    assert ack["errors"] == {"digest-time": "Pick a time, such as 09:00."}
    assert "no weekly digest" in answer(slack, "digest status", user=ANNA)
    assert slack.standin.calls("chat.postEphemeral") == []


def test_the_form_speaks_the_language_of_who_opened_it(slack: Slack) -> None:
    view = open_form(slack, user=BRUNO)  # French
    assert labels(view) == ["Jour", "Heure", "Fuseau horaire", "Bilan hebdomadaire"]
    assert view["submit"]["text"] == "Enregistrer"
    _status, ack = submit_view(slack, view, values(zone="Paris"), user=BRUNO)
    assert ack["errors"]["digest-timezone"].startswith("Fuseau horaire inconnu")
    _status, ack = submit_view(slack, view, values(), user=BRUNO)
    assert ack == {}
    [told] = slack.standin.wait_for("chat.postEphemeral")
    assert "chaque lundi à 09:00 (Europe/Paris)" in told.args["text"]


def test_off_in_the_form_stops_the_digest(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    view = open_form(slack, user=ANNA)
    _status, ack = submit_view(slack, view, values(on="off"), user=ANNA)
    assert ack == {}
    [told] = slack.standin.wait_for("chat.postEphemeral")
    assert "is off" in told.args["text"]
    set_clock(slack, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    tick(slack)
    assert digests(slack) == []


def test_a_shared_channel_refuses_the_form_under_on_or_off(
    slack: Slack, standin: SlackStandIn, watched: WatchChannel
) -> None:
    standin.add_channel(
        TEAM, SHARED, name="acme-and-client", members=[BOT_USER, ANNA], is_ext_shared=True
    )
    view = open_form(slack, user=ANNA, channel=SHARED)
    _status, ack = submit_view(slack, view, values(), user=ANNA)
    assert ack["errors"]["digest-enabled"].startswith("This channel is shared")
    _status, ack = submit_view(slack, view, values(on="off"), user=ANNA)
    assert ack == {}  # turning it off is always allowed


def test_a_form_whose_channel_was_tampered_with_is_refused(slack: Slack) -> None:
    view = open_form(slack, user=ANNA)
    forged = dict(view, private_metadata=view["private_metadata"].replace("C0", "C1"))
    _status, ack = submit_view(slack, forged, values(), user=ANNA)
    assert ack["errors"] == {
        "digest-weekday": "This form is out of date; close it and open it again."
    }
