"""Socket Mode, through the stand-in's WebSocket: the same edge check as over HTTP, and an
event whose durable write timed out is left unacknowledged so that Slack delivers it again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from bot.clock import FrozenClock
from bot.wiring.app import make_core
from bot.wiring.observe import MeasuredSocketModeHandler
from storage.db import make_session_factory
from storage.models import IrritantVote
from tests.bot_server import RunningBot, running_bot
from tests.conftest import make_settings
from tests.handlers.conftest import ANNA, TEAM, populate
from tests.handlers.payloads import reaction_event
from tests.handlers.test_event_ingest import _hold_write_lock
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import event_callback_payload

APP_TOKEN = "xapp-1-A0JOURNEY-1-socket"
WRITE_BOUND = 0.5  # seconds


def _votes(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(IrritantVote)) or 0


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(app_token=APP_TOKEN) as running:
        populate(running)
        yield running


@pytest.fixture
def socket_bot(
    db: Engine, database_url: str, standin: SlackStandIn, clock: FrozenClock
) -> Iterator[RunningBot]:
    clock.set(datetime.now(UTC))
    settings = make_settings(
        database_url,
        slack_api_url=standin.api_url,
        slack_app_token=APP_TOKEN,
        event_write_timeout=WRITE_BOUND,
    )
    core = make_core(settings, make_session_factory(db), clock)
    with running_bot(core, db) as bot:

        async def connect() -> MeasuredSocketModeHandler:
            handler = MeasuredSocketModeHandler(bot.app.bolt, APP_TOKEN, edge=bot.app.edge)
            await handler.connect_async()  # type: ignore[no-untyped-call]
            return handler

        handler = bot.call(connect())
        assert isinstance(handler, MeasuredSocketModeHandler)
        standin.socket_connected(timeout=10)
        yield bot
        bot.call(handler.close_async())  # type: ignore[no-untyped-call]


def test_a_malformed_event_envelope_is_acknowledged_and_touches_nothing(
    socket_bot: RunningBot, standin: SlackStandIn, db: Engine
) -> None:
    """Bolt itself could not read it (authorizations as a string): no ack came, and Slack
    would have redelivered a body that can never succeed."""
    payload = event_callback_payload(
        reaction_event(user=ANNA, ts="1700000100.000100"), team_id=TEAM, event_id="EvSock0001"
    )
    payload["authorizations"] = TEAM

    ack = standin.send_envelope("events_api", payload, timeout=3.0)

    assert "payload" not in ack
    assert _votes(db) == 0


def test_an_event_not_stored_in_time_stays_unacknowledged_and_counts_once(
    socket_bot: RunningBot, standin: SlackStandIn, db: Engine
) -> None:
    payload = event_callback_payload(
        reaction_event(user=ANNA, ts="1700000100.000100"), team_id=TEAM, event_id="EvSock0002"
    )
    warm = event_callback_payload(
        reaction_event(user=ANNA, ts="1700000000.000100"), team_id=TEAM, event_id="EvSock0003"
    )
    standin.send_envelope("events_api", warm, timeout=3.0)  # auth.test, pools
    held = threading.Event()
    locker = threading.Thread(target=_hold_write_lock, args=(db, 4.0, held))
    locker.start()
    assert held.wait(5)

    with pytest.raises(AssertionError, match="no ack"):
        standin.send_envelope("events_api", payload, timeout=2.5)
    locker.join()
    standin.send_envelope("events_api", payload, retry_attempt=1, retry_reason="timeout")

    assert _votes(db) == 2  # the warm-up's and this one's, once
