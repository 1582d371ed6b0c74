"""Setting up a watch over signed HTTP: the form and the one-liner, in English and French,
with inline refusals, the Slack Connect rule, versions, unwatch and hostile payloads."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.clock import FrozenClock
from bot.wiring.app import metadata_key
from handlers.forms import MetadataSeal
from handlers.promises.watch import WatchMetadata
from storage.enums import AlertPlace, PromiseKind, WatchTeam
from storage.repositories import promises as repo
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, OTHER_TEAM, TEAM, Slack
from tests.handlers.payloads import submit_view, text_input
from tests.handlers.promises_helpers import (
    DAVID,
    SHARED,
    TEAM_ROOM,
    checked,
    form,
    open_form,
    radio,
    run,
    watches,
)
from tests.slack_standin import SlackStandIn


@pytest.fixture(autouse=True)
def _world(standin: SlackStandIn) -> None:
    standin.add_user(TEAM, DAVID, name="david", tz="Europe/Berlin", locale="en-US")
    standin.add_channel(
        TEAM, SHARED, name="acme-and-client", members=[BOT_USER, ANNA, BRUNO], is_ext_shared=True
    )
    standin.add_channel(TEAM, TEAM_ROOM, name="support-team", members=[BOT_USER, ANNA, BRUNO])


def test_an_english_user_sets_a_watch_with_the_form(slack: Slack) -> None:
    view = open_form(slack, "watch", user=ANNA, channel=CLIENTS)
    assert view["title"]["text"] == "Watch this channel"

    values = form(
        window=text_input("2h"),
        business=checked("yes"),
        timezone=text_input("Europe/London"),
        holidays=text_input("gb"),
        team_kind=radio("named_users"),
        team_people={"value": {"type": "multi_users_select", "selected_users": [BRUNO, CHLOE]}},
        nudge=text_input("50%"),
    )
    status, answer = submit_view(slack, view, values, user=ANNA)

    assert status == 200
    assert answer.get("response_action") is None, answer
    [(promise, [version])] = watches(slack)
    assert (promise.channel_id, promise.kind, promise.created_by) == (
        CLIENTS,
        PromiseKind.response_time,
        ANNA,
    )
    assert version.text == ""  # the default sentence, shown in each reader's language
    assert version.window_seconds == 7200
    assert version.business_timezone == "Europe/London"
    assert version.business_weekdays == [0, 1, 2, 3, 4]
    assert version.holiday_country == "GB"
    assert version.team_kind == WatchTeam.named_users
    assert version.team_user_ids == [BRUNO, CHLOE]
    assert version.nudge_fraction == 0.5
    assert version.ack_reactions == ["eyes", "white_check_mark"]
    assert version.alert_place == AlertPlace.thread
    [confirmation] = slack.standin.wait_for("chat.postEphemeral")
    assert confirmation.args["user"] == ANNA
    assert "This channel is now watched" in confirmation.args["text"]


def test_every_invalid_field_gets_its_own_error_in_french(slack: Slack) -> None:
    view = open_form(slack, "surveiller", user=BRUNO, channel=CLIENTS)
    assert view["title"]["text"] == "Surveiller ce canal"
    values = form(
        window=text_input("3s"),
        business=checked("yes"),
        timezone=text_input("Mars/Olympus"),
        weekdays=checked(),
        holidays=text_input("France"),
        team_kind=radio("named_users"),
        nudge=text_input("150"),
        reactions=text_input("Bad Emoji!"),
        alerts=radio("team_channel"),
    )

    status, answer = submit_view(slack, view, values, user=BRUNO)

    assert status == 200
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {
        "window",
        "timezone",
        "weekdays",
        "holidays",
        "team_people",
        "nudge",
        "reactions",
        "alert_channel",
    }
    assert errors["window"] == "La fenêtre `3s` est trop courte\u00a0: 10\u00a0secondes au moins."
    assert "Mars/Olympus" in errors["timezone"]
    assert errors["weekdays"] == "Choisissez au moins un jour ouvré."
    assert watches(slack) == []


def test_the_one_liner_sets_a_watch_with_escaped_mentions(slack: Slack) -> None:
    ack, posted = run(
        slack,
        "watch 4h business team <@U0BRUNO|bruno> <@U0CHLOE|chloe>",
        user=ANNA,
        channel=CLIENTS,
    )

    assert posted is not None, ack
    assert posted["response_type"] == "ephemeral"
    assert "This channel is now watched" in posted["text"]
    [(_promise, [version])] = watches(slack)
    assert version.window_seconds == 4 * 3600
    # `business` is Monday–Friday 09:00–17:00 on the setter's own clock (Slack's `tz`).
    assert version.business_timezone == "Europe/London"
    assert version.team_user_ids == [BRUNO, CHLOE]


def test_a_french_user_watches_with_a_user_group_in_one_line(slack: Slack) -> None:
    _ack, posted = run(
        slack, "surveiller 10s équipe <!subteam^S0OPS|@ops>", user=BRUNO, channel=CLIENTS
    )

    assert posted is not None
    assert posted["text"] == (
        "Ce canal est maintenant surveillé\u00a0: "
        "«\u00a0Nous prenons en compte chaque demande sous 10s\u00a0»."
    )
    [(_promise, [version])] = watches(slack)
    assert (version.team_kind, version.team_group_id) == (WatchTeam.user_group, "S0OPS")
    assert version.business_timezone is None


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (
            BRUNO,
            "surveiller 3s",
            "La fenêtre `3s` est trop courte\u00a0: 10\u00a0secondes au moins.",
        ),
        (ANNA, "watch 4h team @marie", "I can't tell who `@marie` is"),
        (ANNA, "watch 4h team <@U0BRUNO|bruno> <!subteam^S0OPS|@ops>", "not both"),
    ],
)
def test_a_wrong_one_liner_is_answered_at_once_in_the_user_s_language(
    slack: Slack, user: str, text: str, expected: str
) -> None:
    ack, posted = run(slack, text, user=user, channel=CLIENTS)

    assert posted is None
    assert expected in json.loads(ack)["text"]
    assert watches(slack) == []


def test_a_shared_channel_needs_a_team_channel_for_alerts(slack: Slack) -> None:
    _ack, posted = run(slack, "watch 4h", user=ANNA, channel=SHARED)
    assert posted is not None
    assert "shared with another organisation" in posted["text"]
    assert watches(slack) == []

    view = open_form(slack, "surveiller", user=BRUNO, channel=SHARED)
    _status, answer = submit_view(slack, view, form(), user=BRUNO)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["alert_channel"].startswith(
        "Ce canal est partagé avec une autre organisation"
    )
    assert watches(slack) == []

    team_room = {"value": {"type": "conversations_select", "selected_conversation": TEAM_ROOM}}
    values = form(alerts=radio("team_channel"), alert_channel=team_room)
    _status, answer = submit_view(slack, view, values, user=BRUNO)
    assert answer.get("response_action") is None, answer
    [(_promise, [version])] = watches(slack)
    assert (version.alert_place, version.alert_channel_id) == (AlertPlace.team_channel, TEAM_ROOM)


def test_only_channel_members_may_set_or_end_a_watch(slack: Slack) -> None:
    _ack, posted = run(slack, "watch 4h", user=DAVID, channel=CLIENTS)
    assert posted is not None
    assert posted["text"] == "Only members of this channel can change its watch."
    assert watches(slack) == []

    run(slack, "watch 4h", user=ANNA, channel=CLIENTS)
    _ack, posted = run(slack, "unwatch", user=DAVID, channel=CLIENTS)
    assert posted is not None
    assert posted["text"] == "Only members of this channel can change its watch."
    [(promise, _versions)] = watches(slack)
    assert promise.ended_at is None


def test_a_change_makes_a_new_version_and_unwatch_keeps_the_history(
    slack: Slack, clock: FrozenClock
) -> None:
    first_at = clock.now()
    run(slack, "watch 4h", user=ANNA, channel=CLIENTS)
    clock.advance(timedelta(hours=3))
    changed_at = clock.now()
    _ack, posted = run(slack, "surveiller 1h", user=BRUNO, channel=CLIENTS)
    assert posted is not None
    assert "la version 2 s’applique" in posted["text"]
    _ack, posted = run(slack, "watch 1h", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert posted["text"] == "Nothing changed: the watch stays at version 2."
    clock.advance(timedelta(hours=2))
    ended_at = clock.now()
    _ack, posted = run(slack, "unwatch", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert posted["text"].startswith("This channel is no longer watched.")

    [(promise, versions)] = watches(slack)
    assert (promise.ended_at, promise.ended_by) == (ended_at, ANNA)
    assert [
        (v.number, v.made_by, v.window_seconds, v.valid_from, v.valid_to) for v in versions
    ] == [
        (1, ANNA, 4 * 3600, first_at, changed_at),
        (2, BRUNO, 3600, changed_at, ended_at),
    ]

    def window_at(session: Session, moment: datetime) -> int | None:
        found = repo.version_in_force(session, team_id=TEAM, channel_id=CLIENTS, at=moment)
        return None if found is None else found.version.window_seconds

    with slack.runtime.session_factory() as session:
        assert window_at(session, first_at - timedelta(seconds=1)) is None
        assert window_at(session, first_at + timedelta(hours=1)) == 4 * 3600
        assert window_at(session, changed_at) == 3600
        assert window_at(session, ended_at) is None
    _ack, posted = run(slack, "watch status", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert posted["text"] == "This channel has no watch. Set one with `/journey watch`."


def test_a_forged_or_foreign_form_is_refused(slack: Slack) -> None:
    view = open_form(slack, "watch", user=ANNA, channel=CLIENTS)
    refused = "This form is out of date; close it and open it again."

    tampered = dict(view)
    tampered["private_metadata"] = json.dumps({"team_id": TEAM, "channel_id": "C0ELSEWHERE"})
    _status, answer = submit_view(slack, tampered, form(), user=ANNA)
    assert answer["errors"] == {"window": refused}

    # Sealed by us, but for another workspace's channel: not this installation's to change.
    seal = MetadataSeal(metadata_key(slack.runtime.settings))
    foreign = dict(view)
    foreign["private_metadata"] = seal.seal(WatchMetadata(team_id=OTHER_TEAM, channel_id=CLIENTS))
    _status, answer = submit_view(slack, foreign, form(), user=ANNA)
    assert answer["errors"] == {"window": refused}

    # A team channel id from another workspace: Slack says it doesn't exist for our token.
    elsewhere = {"value": {"type": "conversations_select", "selected_conversation": "C0THEIRS"}}
    slack.standin.add_channel(OTHER_TEAM, "C0THEIRS", name="theirs", members=[])
    values = form(alerts=radio("team_channel"), alert_channel=elsewhere)
    _status, answer = submit_view(slack, view, values, user=ANNA)
    assert answer["errors"] == {
        "alert_channel": "I can't see that channel: choose a channel of this workspace."
    }
    assert watches(slack) == []


def test_the_form_opens_prefilled_with_the_current_watch(slack: Slack) -> None:
    run(slack, "watch 30m team <@U0BRUNO|bruno>", user=ANNA, channel=CLIENTS)
    view = open_form(slack, "watch", user=ANNA, channel=CLIENTS)
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert blocks["window"]["element"]["initial_value"] == "30m"
    assert blocks["team_kind"]["element"]["initial_option"]["value"] == "named_users"
    assert blocks["team_people"]["element"]["initial_users"] == [BRUNO]
