"""RELIABILITY.md row 9: one envelope replayed 50 times at once, over signed HTTP (Slack's
retries racing a slow first delivery, with `X-Slack-Retry-Num` 1-3, and plain duplicates),
has exactly one effect: one vote or one request, one follow-up each, one event kept."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from storage.models import InboundEvent, IrritantVote, OutboxMessage
from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import new_event_id, reaction_event
from tests.handlers.watcher_fixtures import CLIENT, PARTNER_TEAM, WatchChannel, stored
from tests.slack_standin.inbound import event_callback_body

pytest_plugins = ["tests.handlers.watcher_fixtures"]

REPLAYS = 50


def _replay(slack: Slack, event: dict[str, Any]) -> list[int]:
    """The same bytes, signed, posted REPLAYS times at once; returns the statuses."""
    body = event_callback_body(event, team_id=TEAM, event_id=new_event_id(), api_app_id="A0JOURNEY")
    barrier = threading.Barrier(REPLAYS)
    statuses: list[int] = []
    lock = threading.Lock()

    def deliver(number: int) -> None:
        retry = None if number == 0 else [None, 1, 2, 3][number % 4]
        barrier.wait()
        response = slack.sender.post(body, content_type="application/json", retry_num=retry)
        with lock:
            statuses.append(response.status)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(REPLAYS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _count(slack: Slack, model: type[Any]) -> int:
    with slack.runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _outbox_kinds(slack: Slack) -> list[str]:
    with slack.runtime.session_factory() as session:
        return sorted(session.scalars(select(OutboxMessage.kind)))


def test_fifty_concurrent_replays_of_a_reaction_count_once(slack: Slack) -> None:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="Third reminder, no answer")

    statuses = _replay(slack, reaction_event(user=ANNA, ts=ts, item_user=CHLOE))

    assert statuses == [200] * REPLAYS
    assert _count(slack, IrritantVote) == 1
    assert _outbox_kinds(slack) == ["confirm_report", "fetch_message"]
    slack.bot.drain_outbox()
    assert len(slack.standin.calls("chat.postEphemeral")) == 1


def test_fifty_concurrent_replays_of_a_client_message_make_one_request(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    text = "Our export fails since this morning, can you look?"
    ts = slack.standin.post_message(CLIENTS, user=CLIENT, text=text)
    event = {
        "type": "message",
        "channel": CLIENTS,
        "user": CLIENT,
        "user_team": PARTNER_TEAM,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }
    before = _count(slack, InboundEvent)

    statuses = _replay(slack, event)

    assert statuses == [200] * REPLAYS
    [request] = stored(slack)
    assert (request.ts, request.follow_ups) == (ts, 0)
    assert _count(slack, InboundEvent) - before == 1  # one (team, event_id) kept
