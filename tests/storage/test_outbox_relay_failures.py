"""The outbox relay's failure paths (RELIABILITY.md rows 14 and 19, the outbox half).

Each failure ends in a defined state with a log line, and none is retried forever: Slack's
permanent errors and a kind nobody sends give up at once; a network or database error while
sending is retried with back-off and gives up after `MAX_ATTEMPTS`; a database error while
recording the outcome leaves the lease to run out, and the message is sent once more then.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import outbox
from bot.clock import FrozenClock
from bot.core import Core
from bot.outbox import OutboxKind, Payload
from bot.tenancy import Workspace
from bot.wiring import relay as relay_module
from bot.wiring.relay import LEASE, OutboxRelay
from handlers.feature import Sender
from storage.models import OutboxMessage
from storage.repositories.outbox import MAX_ATTEMPTS
from tests.storage import T1

RELAY_LOG = "bot.wiring.relay"


class Ping(Payload):
    channel_id: str


PING = OutboxKind("test_ping", Ping)


class FakeSlack:
    """The sender's side: counts attempts and fails as told."""

    def __init__(self, failure: Callable[[], Exception] | None = None) -> None:
        self.failure = failure
        self.attempts = 0

    async def send(self, _ws: Workspace, _payload: Ping) -> None:
        self.attempts += 1
        if self.failure is not None:
            raise self.failure()


def _slack_error(code: str) -> Callable[[], Exception]:
    return lambda: SlackApiError(
        f"The request to the Slack API failed: {code}", {"ok": False, "error": code}
    )


def _enqueue(runtime: Core, kind: str = PING.name) -> int:
    def work(session: Session) -> int:
        if kind == PING.name:
            outbox.enqueue(
                session, ws=T1, kind=PING, payload=Ping(channel_id="C0X"), now=runtime.clock.now()
            )
        else:
            outbox.enqueue_rows(
                session,
                rows=[{"team_id": T1.team_id, "enterprise_id": None, "kind": kind, "payload": {}}],
                now=runtime.clock.now(),
            )
        session.flush()
        return session.scalar(select(func.max(OutboxMessage.id))) or 0

    return runtime.in_transaction(work)


def _message(runtime: Core, message_id: int) -> OutboxMessage:
    with runtime.session_factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        return message


def _due(runtime: Core) -> list[int]:
    with runtime.session_factory() as session:
        return outbox.due_ids(session, now=runtime.clock.now())


def _relay(runtime: Core, slack: FakeSlack) -> OutboxRelay:
    return OutboxRelay(runtime, [Sender(kind=PING, send=slack.send)])


def _relay_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == RELAY_LOG]


@pytest.mark.parametrize("code", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_permanent_slack_error_gives_up_at_once(
    runtime: Core, clock: FrozenClock, caplog: pytest.LogCaptureFixture, code: str
) -> None:
    caplog.set_level(logging.INFO, logger=RELAY_LOG)
    message_id = _enqueue(runtime)
    slack = FakeSlack(_slack_error(code))

    assert asyncio.run(_relay(runtime, slack).drain()) == 0

    message = _message(runtime, message_id)
    assert (message.failed_at, message.last_error, message.sent_at) == (clock.now(), code, None)
    assert message.claimed_until is None
    assert _relay_log(caplog) == [f"outbox test_ping {message_id} gave up: {code}"]
    clock.advance(timedelta(days=1))
    assert asyncio.run(_relay(runtime, slack).drain()) == 0
    assert slack.attempts == 1


def test_a_kind_nobody_sends_gives_up_at_once(
    runtime: Core, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=RELAY_LOG)
    message_id = _enqueue(runtime, kind="retired_kind")
    slack = FakeSlack()

    assert asyncio.run(_relay(runtime, slack).drain()) == 0

    message = _message(runtime, message_id)
    assert (message.failed_at, message.last_error) == (clock.now(), "no sender for retired_kind")
    assert _relay_log(caplog) == [
        f"outbox retired_kind {message_id} gave up: no sender for retired_kind"
    ]
    assert slack.attempts == 0
    assert _due(runtime) == []


@pytest.mark.parametrize(
    "failure",
    [
        aiohttp.ServerDisconnectedError,
        lambda: OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        _slack_error("internal_error"),
    ],
    ids=["network", "database", "slack-transient"],
)
def test_a_passing_error_is_retried_with_back_off_then_given_up(
    runtime: Core,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
    failure: Callable[[], Exception],
) -> None:
    caplog.set_level(logging.INFO, logger=RELAY_LOG)
    message_id = _enqueue(runtime)
    slack = FakeSlack(failure)
    relay = _relay(runtime, slack)
    waits: list[timedelta] = []

    for _attempt in range(MAX_ATTEMPTS):
        assert asyncio.run(relay.drain()) == 0
        message = _message(runtime, message_id)
        if message.failed_at is not None:
            break
        waits.append(message.due_at - clock.now())
        assert _due(runtime) == []  # backing off: not due before its time
        clock.set(message.due_at)

    message = _message(runtime, message_id)
    assert slack.attempts == MAX_ATTEMPTS
    assert message.failed_at == clock.now()
    assert message.attempts == MAX_ATTEMPTS
    assert waits == sorted(waits)
    assert len(set(waits)) > 1
    logged = _relay_log(caplog)
    assert len(logged) == MAX_ATTEMPTS
    assert all("failed, will retry" in line for line in logged[:-1])
    assert f"gave up after {MAX_ATTEMPTS} attempts" in logged[-1]
    clock.advance(timedelta(days=1))
    assert asyncio.run(relay.drain()) == 0
    assert slack.attempts == MAX_ATTEMPTS


def test_a_database_error_recording_the_outcome_waits_out_the_lease(
    runtime: Core,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sent, then the database fails before the send is recorded: the claim's lease keeps
    every relay off it, and when it runs out the message is sent again (at-least-once)."""
    caplog.set_level(logging.INFO, logger=RELAY_LOG)
    message_id = _enqueue(runtime)
    slack = FakeSlack()
    settle = outbox.settle

    def broken_settle(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("UPDATE outbox", {}, Exception("terminating connection"))

    monkeypatch.setattr(outbox, "settle", broken_settle)
    relay = _relay(runtime, slack)

    async def one_pass_of_the_running_relay() -> None:
        relay.start()
        deadline = time.monotonic() + 30
        while not _relay_log(caplog) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await relay.stop()

    asyncio.run(one_pass_of_the_running_relay())

    assert "outbox pass failed" in _relay_log(caplog)
    message = _message(runtime, message_id)
    assert (message.sent_at, message.failed_at, message.attempts) == (None, None, 1)
    assert message.claimed_until == clock.now() + LEASE
    assert slack.attempts == 1
    assert asyncio.run(_relay(runtime, slack).drain()) == 0  # leased: nobody sends it
    assert slack.attempts == 1

    monkeypatch.setattr(outbox, "settle", settle)
    clock.advance(LEASE + timedelta(seconds=1))
    assert asyncio.run(_relay(runtime, slack).drain()) == 1

    assert slack.attempts == 2
    assert _message(runtime, message_id).sent_at == clock.now()
    assert relay_module.MAX_ATTEMPTS == MAX_ATTEMPTS


def test_a_rolled_back_transaction_leaves_no_outbox_row(runtime: Core) -> None:
    class Refused(Exception):
        pass

    def work(session: Session) -> None:
        outbox.enqueue(
            session, ws=T1, kind=PING, payload=Ping(channel_id="C0X"), now=runtime.clock.now()
        )
        session.flush()
        raise Refused("the use case failed after enqueueing")

    with pytest.raises(Refused, match="failed after enqueueing"):
        runtime.in_transaction(work)

    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_committed_message_whose_wake_up_was_lost_is_sent_by_the_next_relay(
    runtime: Core,
) -> None:
    """The process died between the commit and waking its relay: the relay of the next
    process (its first pass at start) finds the message and sends it once."""
    message_id = _enqueue(runtime)  # committed; nobody woke a relay
    slack = FakeSlack()

    assert asyncio.run(_relay(runtime, slack).drain()) == 1
    assert asyncio.run(_relay(runtime, slack).drain()) == 0

    assert slack.attempts == 1
    assert _message(runtime, message_id).sent_at is not None
