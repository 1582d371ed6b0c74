"""The App Home over signed HTTP against the Slack stand-in (which validates every view it is
sent, Slack's 100 blocks included), with the injected clock for the debounced refresh."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.home.changes import MIN_GAP, SETTLE
from bot.journeys.feature import FEATURE as JOURNEYS
from bot.scheduler import run_job
from storage.enums import AcknowledgedHow, RequestStatus
from storage.models import HomeViewer, OutboxMessage
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import start_exercise
from tests.handlers.payloads import (
    block_action,
    command,
    reaction_event,
    send_event,
    submit_view,
    text_input,
)
from tests.handlers.watcher_fixtures import WatchChannel, client_writes, stored
from tests.slack_standin.inbound import interactivity_body

pytest_plugins = ["tests.handlers.watcher_fixtures"]

HUSHED = "C0HUSHED"  # a private client channel: the bot and Anna are in it, Bruno is not

JOURNEY_PHASES = next(job for job in JOURNEYS.jobs if job.id == "journey-phases")


def _publishes(slack: Slack, user: str) -> list[dict[str, Any]]:
    return [
        call.args["view"]
        for call in slack.standin.calls("views.publish")
        if call.ok and call.args.get("user_id") == user
    ]


def open_home(slack: Slack, user: str) -> dict[str, Any]:
    """The person opens the tab; returns the view the bot published for them."""
    before = len(_publishes(slack, user))
    event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
    assert send_event(slack, {**event, "event_ts": "1700000800.000100"}) == 200
    slack.standin.wait_for(
        "views.publish",
        count=before + 1,
        predicate=lambda call: call.ok and call.args.get("user_id") == user,
    )
    return _publishes(slack, user)[-1]


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def block_ids(view: dict[str, Any]) -> list[str]:
    return [str(block.get("block_id", "")) for block in view["blocks"]]


def take_from_home(slack: Slack, *, user: str, request_id: int) -> int:
    """ "I'll take it" clicked on the home tab, as Slack sends a click in a view."""
    home = _publishes(slack, user)[-1]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": slack.standin.new_trigger_id(TEAM),
        "team": {"id": TEAM, "domain": "acme"},
        "view": {
            "id": "V0HOME",
            "team_id": TEAM,
            "type": "home",
            "blocks": home["blocks"],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": "1700000000.abc",
            "app_id": "A0JOURNEY",
            "bot_id": "B0JOURNEY",
        },
        "actions": [
            {
                "action_id": "home-take",
                "block_id": f"home-request-{request_id}",
                "text": {"type": "plain_text", "text": "I'll take it"},
                "value": str(request_id),
                "type": "button",
                "action_ts": "1700000900.000100",
            }
        ],
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    return response.status


def settle(slack: Slack, advance: timedelta = MIN_GAP + SETTLE) -> None:
    """Send what is due now, then let the debounce window pass and send again."""
    slack.bot.drain_outbox()
    slack.bot.runtime.clock.advance(advance)  # type: ignore[attr-defined]
    slack.bot.drain_outbox()


def _private_channel(slack: Slack) -> None:
    slack.standin.add_channel(
        TEAM, HUSHED, name="secret-client", members=[BOT_USER, ANNA], is_private=True
    )


def test_a_private_channels_request_shows_to_its_member_and_an_admin_only(
    slack: Slack, watched: WatchChannel
) -> None:
    _private_channel(slack)
    watched(HUSHED, team=(ANNA,))
    client_writes(slack, "Secret contract question, please call me", channel=HUSHED)
    anna, bruno, chloe = open_home(slack, ANNA), open_home(slack, BRUNO), open_home(slack, CHLOE)
    assert "Secret contract question" in text_of(anna)
    assert f"<#{HUSHED}>" in text_of(anna)
    assert "Secret contract question" not in text_of(bruno)
    assert HUSHED not in text_of(bruno)
    assert "Secret contract question" in text_of(chloe)  # a workspace admin sees every channel


def test_a_team_lead_gets_an_overview_of_their_channels_others_do_not(
    slack: Slack, watched: WatchChannel
) -> None:
    watched(CLIENTS, team=(ANNA,))  # Anna owns the watch: a team lead; Bruno is not
    for number in range(3):
        client_writes(slack, f"Request number {number} about the invoices", user=f"U0C{number}")
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="The export is always late")
    assert send_event(slack, reaction_event(user=BRUNO, ts=ts)) == 200
    assert send_event(slack, reaction_event(user=ANNA, ts=ts)) == 200
    slack.bot.drain_outbox()
    anna = open_home(slack, ANNA)
    assert "home-overview" in block_ids(anna)
    [line] = [b for b in anna["blocks"] if b.get("block_id") == f"home-overview-{CLIENTS}"]
    assert "3 open requests" in line["text"]["text"]
    assert "1 open irritant" in line["text"]["text"]
    assert "The export is always late" in line["text"]["text"]
    assert "(2 reports)" in line["text"]["text"]
    assert "Your promises, last 7 days" in text_of(anna)
    bruno = open_home(slack, BRUNO)
    assert "home-overview" not in block_ids(bruno)
    # What Bruno reported is his, with its status in his language (French).
    assert "The export is always late" in text_of(bruno)
    assert "Statut\u00a0: Nouveau" in text_of(bruno)


def test_ill_take_it_on_the_home_acknowledges_the_request_once(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    [request] = stored(slack)
    open_home(slack, ANNA)
    open_home(slack, BRUNO)
    assert take_from_home(slack, user=ANNA, request_id=request.id) == 200
    slack.standin.wait_for(
        "views.publish", count=2, predicate=lambda c: c.args.get("user_id") == ANNA
    )
    assert take_from_home(slack, user=ANNA, request_id=request.id) == 200  # a double click
    assert take_from_home(slack, user=BRUNO, request_id=request.id) == 200  # too late
    slack.standin.wait_for(
        "views.publish", count=2, predicate=lambda c: c.args.get("user_id") == BRUNO
    )
    [taken] = stored(slack)
    assert taken.status == RequestStatus.acknowledged
    assert taken.acknowledged_by == ANNA
    assert taken.acknowledged_how == AcknowledgedHow.button
    # The home Anna sees now no longer lists it.
    slack.standin.wait_for(
        "views.publish", count=3, predicate=lambda c: c.args.get("user_id") == ANNA
    )
    assert f"home-request-{request.id}" not in block_ids(_publishes(slack, ANNA)[-1])


def test_a_request_of_a_channel_one_cannot_read_cannot_be_taken_from_the_home(
    slack: Slack, watched: WatchChannel
) -> None:
    _private_channel(slack)
    watched(HUSHED, team=(ANNA,))
    client_writes(slack, "Secret question", channel=HUSHED)
    [request] = stored(slack)
    open_home(slack, BRUNO)
    assert take_from_home(slack, user=BRUNO, request_id=request.id) == 200
    slack.standin.wait_for(
        "views.publish", count=2, predicate=lambda c: c.args.get("user_id") == BRUNO
    )
    assert stored(slack)[0].status == RequestStatus.open


def test_many_requests_and_irritants_stay_within_100_blocks_with_see_all(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    for number in range(40):
        client_writes(slack, f"Request {number}: the dashboard is empty", user=f"U0CLIENT{number}")
    for number in range(12):
        ts = slack.standin.post_message(CLIENTS, user=CHLOE, text=f"Annoyance {number}")
        assert send_event(slack, reaction_event(user=ANNA, ts=ts)) == 200
    slack.bot.drain_outbox()
    view = open_home(slack, ANNA)  # the stand-in refuses a view past 100 blocks
    assert len(view["blocks"]) <= 100
    ids = block_ids(view)
    assert sum(1 for i in ids if i.startswith("home-request-")) == 15
    assert "home-requests-more" in ids
    assert "25 more requests wait" in text_of(view)
    assert "home-irritants-more" in ids
    assert "`/journey irritants all`" in text_of(view)
    # Oldest first.
    first = next(b for b in view["blocks"] if b.get("block_id", "").startswith("home-request-"))
    assert "Request 0:" in first["text"]["text"]


def test_many_changes_make_one_refresh_and_none_for_who_never_opened_it(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    open_home(slack, ANNA)  # Bruno never opens his
    for number in range(5):
        client_writes(slack, f"Question {number} about the API limits", user=f"U0CLIENT{number}")
    with slack.runtime.session_factory() as session:
        refreshes = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "home_refresh")
        )
    assert refreshes == 1  # coalesced: the one waiting refresh shows all five
    settle(slack)
    anna = _publishes(slack, ANNA)
    assert len(anna) == 2  # the opening, then one refresh
    assert "Question 4 about the API limits" in text_of(anna[-1])
    assert _publishes(slack, BRUNO) == []
    with slack.runtime.session_factory() as session:
        viewers = list(session.scalars(select(HomeViewer.user_id)))
    assert viewers == [ANNA]
    # A change right after a publish waits for the gap: nothing before it, one after.
    client_writes(slack, "Another question", user="U0CLIENTX")
    slack.bot.drain_outbox()
    slack.bot.runtime.clock.advance(SETTLE + timedelta(seconds=1))  # type: ignore[attr-defined]
    slack.bot.drain_outbox()
    assert len(_publishes(slack, ANNA)) == 2
    settle(slack, MIN_GAP)
    assert len(_publishes(slack, ANNA)) == 3


def test_the_home_speaks_french_to_a_french_reader(slack: Slack, watched: WatchChannel) -> None:
    watched()
    client_writes(slack, "Bonjour, la facture est fausse")
    bruno = text_of(open_home(slack, BRUNO))
    assert "Demandes en attente de réponse" in bruno
    assert "Je m’en occupe" in bruno
    assert "Vos canaux en un coup d’œil" in bruno  # Bruno is on the watch's team: a lead
    assert "Requests waiting" not in bruno


def test_an_exercise_shows_what_its_phase_asks_and_its_move_refreshes_the_home(
    slack: Slack,
) -> None:
    exercise_id = start_exercise(slack, user=ANNA)  # deadlines: +2, +5, +6 days
    bruno = open_home(slack, BRUNO)
    assert f"home-exercise-{exercise_id}" in block_ids(bruno)
    assert "Ajoutez les moments de vérité que vit votre client." in text_of(bruno)
    clock = slack.runtime.clock
    clock.set(clock.now() + timedelta(days=2, minutes=1))  # type: ignore[attr-defined]
    assert run_job(slack.runtime, JOURNEY_PHASES)["advanced"] == 1
    slack.bot.drain_outbox()
    slack.bot.runtime.clock.advance(SETTLE)  # type: ignore[attr-defined]
    slack.bot.drain_outbox()
    [_opening, refreshed] = _publishes(slack, BRUNO)
    assert "Remplissage des colonnes" in text_of(refreshed)
    assert "Ajoutez des cartes" in text_of(refreshed)


def test_an_irritant_resolved_refreshes_its_reporters_home_with_its_new_status(
    slack: Slack,
) -> None:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="Invoice never arrived")
    assert send_event(slack, reaction_event(user=ANNA, ts=ts)) == 200
    slack.bot.drain_outbox()
    assert "Status: New" in text_of(open_home(slack, ANNA))
    command(slack, "irritants", user=CHLOE)
    listing = slack.standin.wait_for("response_url")[-1].args
    resolve = next(
        element["value"]
        for block in listing["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "irritant-resolve"
    )
    block_action(slack, user=CHLOE, action_id="irritant-resolve", value=resolve)
    [opened] = slack.standin.wait_for("views.open")
    status, _ack = submit_view(
        slack, opened.args["view"], {"resolution": text_input("Sent the same day now.")}, user=CHLOE
    )
    assert status == 200
    settle(slack)
    [_opening, refreshed] = _publishes(slack, ANNA)
    assert "Status: Resolved" in text_of(refreshed)
