"""The optional holding reply after "I'll take it", over signed HTTP against the stand-in:
offered to the taker only, a modal with the answer-by date checked inline, and the reply in
the request's thread in the requester's language."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from bot import outbox
from bot.tenancy import Workspace
from bot.watcher.holding import ANSWER_BY, FURTHEST, check_answer_by
from bot.watcher.outbox import HOLDING_REPLY, HoldingReply
from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.payloads import submit_view
from tests.handlers.watcher_fixtures import (
    WatchChannel,
    alert_posts,
    click,
    client_writes,
    stored,
    tick,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

FRENCH_CLIENT = "U0CLIENTFR"


def _picked(day: date) -> dict[str, Any]:
    return {ANSWER_BY: {"value": {"type": "datepicker", "selected_date": day.isoformat()}}}


def _take(slack: Slack, user: str = BRUNO) -> tuple[int, dict[str, Any]]:
    """Nudge, then `user` clicks "I'll take it"; returns (request id, the offer they saw)."""
    tick(slack, timedelta(hours=3))
    [nudge] = [c for c in slack.standin.calls("chat.postMessage") if c.args.get("metadata")]
    request_id = stored(slack)[-1].id
    before = len(slack.standin.calls("response_url"))
    status = click(
        slack,
        user=user,
        action_id="request-take",
        value=str(request_id),
        channel=nudge.args["channel"],
        message_ts=nudge.response["ts"],
    )
    assert status == 200
    offer = slack.standin.wait_for("response_url", count=before + 1)[-1].args
    return request_id, offer


def _open_modal(slack: Slack, request_id: int, user: str = BRUNO) -> dict[str, Any]:
    before = len(slack.standin.calls("views.open"))
    status = click(
        slack,
        user=user,
        action_id="request-holding",
        value=str(request_id),
        channel=CLIENTS,
        message_ts="1700000000.000100",
    )
    assert status == 200
    opened = slack.standin.wait_for("views.open", count=before + 1)[-1].args["view"]
    return opened if isinstance(opened, dict) else json.loads(opened)


def _thread_replies(slack: Slack, thread_ts: str) -> list[dict[str, Any]]:
    return [
        call.args
        for call in slack.standin.calls("chat.postMessage")
        if call.ok
        and call.args.get("thread_ts") == thread_ts
        and (call.args.get("metadata") or {}).get("event_type") == "journeybot_holding_reply"
    ]


def test_the_taker_sends_a_holding_reply_with_an_answer_by_date(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _event = client_writes(slack)
    request_id, offer = _take(slack)
    assert offer["response_type"] == "ephemeral"
    assert "request-holding" in json.dumps(offer["blocks"])
    assert stored(slack)[0].acknowledged_by == BRUNO  # the button acknowledged, as before

    view = _open_modal(slack, request_id)
    today = slack.runtime.clock.now().date()
    picker = next(block for block in view["blocks"] if block.get("block_id") == ANSWER_BY)
    assert picker["element"]["type"] == "datepicker"
    assert picker["element"]["initial_date"] == (today + timedelta(days=1)).isoformat()
    # Says where it goes before it is sent, in the taker's language (Bruno reads French).
    assert "fil de la demande" in json.dumps(view["blocks"], ensure_ascii=False)

    # A date in the past is refused inline; nothing is posted.
    status, answer = submit_view(slack, view, _picked(today - timedelta(days=1)), user=BRUNO)
    assert status == 200
    assert answer["response_action"] == "errors"
    assert "passée" in answer["errors"][ANSWER_BY]
    slack.bot.drain_outbox()
    assert _thread_replies(slack, ts) == []

    answer_by = today + timedelta(days=3)
    status, answer = submit_view(slack, view, _picked(answer_by), user=BRUNO)
    assert (status, answer) == (200, {})
    slack.bot.drain_outbox()
    [reply] = _thread_replies(slack, ts)
    assert reply["channel"] == CLIENTS
    # The client's language (English), not the taker's.
    assert "We've seen your message; we'll answer by" in reply["text"]
    assert format_date(answer_by, format="full", locale="en") in reply["text"]
    assert f"<@{BRUNO}>" in reply["text"]
    # The taker's offer becomes the confirmation.
    confirmation = slack.standin.wait_for(
        "response_url", predicate=lambda call: "envoyée" in str(call.args.get("text"))
    )
    assert confirmation
    assert len(alert_posts(slack)) == 1  # the reply is no alert
    slack.bot.drain_outbox()
    assert len(_thread_replies(slack, ts)) == 1


def test_the_reply_speaks_the_requesters_language_not_the_takers(
    slack: Slack, watched: WatchChannel
) -> None:
    slack.standin.add_user(TEAM, FRENCH_CLIENT, name="claire", locale="fr-FR")
    watched()
    ts, _event = client_writes(slack, "Notre export échoue", user=FRENCH_CLIENT)
    request_id, _offer = _take(slack, ANNA)  # Anna reads English
    view = _open_modal(slack, request_id, ANNA)
    answer_by = slack.runtime.clock.now().date() + timedelta(days=10)
    assert submit_view(slack, view, _picked(answer_by), user=ANNA) == (200, {})
    slack.bot.drain_outbox()
    [reply] = _thread_replies(slack, ts)
    assert "Nous avons bien vu votre message" in reply["text"]
    assert format_date(answer_by, format="full", locale="fr") in reply["text"]


def test_a_forged_modal_sends_nothing(slack: Slack, watched: WatchChannel) -> None:
    watched()
    ts, _event = client_writes(slack)
    request_id, _offer = _take(slack)
    view = _open_modal(slack, request_id)
    forged = {
        **view,
        "private_metadata": view["private_metadata"].replace('"request_id":', '"request_id":9'),
    }
    tomorrow = slack.runtime.clock.now().date() + timedelta(days=1)
    status, answer = submit_view(slack, forged, _picked(tomorrow), user=BRUNO)
    assert forged["private_metadata"] != view["private_metadata"]
    assert (status, answer["response_action"]) == (200, "errors")
    slack.bot.drain_outbox()
    assert _thread_replies(slack, ts) == []


@given(today=st.dates(), offset=st.integers(min_value=-4000, max_value=4000))
def test_an_answer_by_date_is_accepted_exactly_from_today_to_a_year_ahead(
    today: date, offset: int
) -> None:
    try:
        picked = today + timedelta(days=offset)
    except OverflowError:
        return
    errors = check_answer_by(picked, today=today)
    assert (errors == {}) == (timedelta(0) <= picked - today <= FURTHEST)
    assert ANSWER_BY in check_answer_by(None, today=today)


def test_a_holding_reply_sent_again_after_a_crash_is_not_posted_twice(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _event = client_writes(slack)
    request_id, _offer = _take(slack)
    view = _open_modal(slack, request_id)
    answer_by = slack.runtime.clock.now().date() + timedelta(days=2)
    assert submit_view(slack, view, _picked(answer_by), user=BRUNO) == (200, {})
    slack.bot.drain_outbox()
    # The relay crashed after Slack's answer and before its record: the same reply is due
    # again. The sender finds its tag in the thread and does not post it a second time.
    again = HoldingReply(request_id=request_id, by=BRUNO, answer_by=answer_by)
    slack.runtime.in_transaction(
        outbox.enqueue,
        ws=Workspace(TEAM),
        kind=HOLDING_REPLY,
        payload=again,
        now=slack.runtime.clock.now(),
    )
    slack.bot.drain_outbox()
    assert len(_thread_replies(slack, ts)) == 1
