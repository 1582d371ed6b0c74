"""The outbox (claim with a lease, retry with back-off, give up) and the inbound-event inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import FrozenClock
from bot.core import Core
from storage.models import InboundEvent, OutboxMessage
from storage.repositories import inbox, outbox
from tests.storage import T1, T2, all_at_once, count, read

LEASE = timedelta(seconds=60)


def _enqueue(runtime: Core, *, team_id: str = T1.team_id, delay: timedelta = timedelta(0)) -> int:
    def work(session: Session) -> int:
        outbox.enqueue(
            session,
            team_id=team_id,
            enterprise_id=None,
            kind="confirm_report",
            payload={"user_id": "U0ANNA"},
            now=runtime.clock.now(),
            delay=delay,
        )
        session.flush()
        return session.scalar(select(func.max(OutboxMessage.id))) or 0

    return runtime.in_transaction(work)


def _due(runtime: Core) -> list[int]:
    return read(runtime, lambda s: outbox.due_ids(s, now=runtime.clock.now()))


def _claim(runtime: Core, message_id: int) -> OutboxMessage | None:
    return runtime.in_transaction(
        outbox.claim, message_id=message_id, now=runtime.clock.now(), lease=LEASE
    )


def _message(runtime: Core, message_id: int) -> OutboxMessage:
    message = read(runtime, lambda s: s.get(OutboxMessage, message_id))
    assert message is not None
    return message


def test_enqueued_message_is_due_now_or_after_its_delay(runtime: Core, clock: FrozenClock) -> None:
    now_id = _enqueue(runtime)
    later_id = _enqueue(runtime, delay=timedelta(minutes=10))

    assert _due(runtime) == [now_id]
    clock.advance(timedelta(minutes=10))
    assert _due(runtime) == [now_id, later_id]


def test_claim_is_exclusive_while_leased(runtime: Core, clock: FrozenClock) -> None:
    message_id = _enqueue(runtime)

    claimed = _claim(runtime, message_id)
    assert claimed is not None
    assert claimed.attempts == 1
    assert claimed.claimed_until == clock.now() + LEASE

    clock.advance(LEASE - timedelta(seconds=1))
    assert _claim(runtime, message_id) is None
    assert _due(runtime) == []


def test_a_message_not_yet_due_cannot_be_claimed(runtime: Core, clock: FrozenClock) -> None:
    message_id = _enqueue(runtime, delay=timedelta(minutes=5))

    assert _claim(runtime, message_id) is None
    clock.advance(timedelta(minutes=5))
    assert _claim(runtime, message_id) is not None


def test_an_expired_lease_can_be_claimed_again(runtime: Core, clock: FrozenClock) -> None:
    message_id = _enqueue(runtime)
    assert _claim(runtime, message_id) is not None

    clock.advance(LEASE + timedelta(seconds=1))  # the first claimer died

    assert _due(runtime) == [message_id]
    again = _claim(runtime, message_id)
    assert again is not None
    assert again.attempts == 2


def test_twenty_concurrent_claims_one_winner(runtime: Core) -> None:
    message_id = _enqueue(runtime)

    winners = all_at_once(20, lambda: _claim(runtime, message_id))

    assert sum(winner is not None for winner in winners) == 1
    assert _message(runtime, message_id).attempts == 1


def test_a_sent_message_is_never_claimed_again(runtime: Core, clock: FrozenClock) -> None:
    message_id = _enqueue(runtime)
    _claim(runtime, message_id)
    runtime.in_transaction(outbox.mark_sent, message_id=message_id, now=clock.now())

    clock.advance(LEASE * 10)

    assert _due(runtime) == []
    assert _claim(runtime, message_id) is None
    assert read(runtime, lambda s: outbox.pending_count(s, team_id=T1.team_id)) == 0


def test_retry_backs_off_then_gives_up_after_max_attempts(
    runtime: Core, clock: FrozenClock
) -> None:
    message_id = _enqueue(runtime)
    backoff = timedelta(seconds=30)

    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        claimed = _claim(runtime, message_id)
        assert claimed is not None
        assert claimed.attempts == attempt
        runtime.in_transaction(
            outbox.mark_retry,
            message_id=message_id,
            now=clock.now(),
            error="ratelimited " * 40,
            retry_in=backoff,
        )
        message = _message(runtime, message_id)
        assert message.claimed_until is None
        assert message.last_error is not None
        assert len(message.last_error) == 200
        if attempt < outbox.MAX_ATTEMPTS:
            assert message.failed_at is None
            assert message.due_at == clock.now() + backoff
            # Backing off: not due before its time, even though its lease was released.
            clock.advance(backoff - timedelta(seconds=1))
            assert _due(runtime) == []
            assert _claim(runtime, message_id) is None
            clock.advance(timedelta(seconds=1))
            assert _due(runtime) == [message_id]
            backoff *= 2

    message = _message(runtime, message_id)
    assert message.failed_at == clock.now()
    clock.advance(timedelta(days=1))
    assert _due(runtime) == []
    assert _claim(runtime, message_id) is None
    assert read(runtime, lambda s: outbox.pending_count(s, team_id=T1.team_id)) == 0


def test_mark_failed_gives_up_at_once(runtime: Core, clock: FrozenClock) -> None:
    message_id = _enqueue(runtime)
    _claim(runtime, message_id)

    runtime.in_transaction(
        outbox.mark_failed, message_id=message_id, now=clock.now(), error="channel_not_found"
    )

    message = _message(runtime, message_id)
    assert (message.failed_at, message.last_error) == (clock.now(), "channel_not_found")
    clock.advance(LEASE * 2)
    assert _claim(runtime, message_id) is None


def test_pending_count_is_per_workspace(runtime: Core) -> None:
    _enqueue(runtime, team_id=T1.team_id)
    _enqueue(runtime, team_id=T1.team_id)
    _enqueue(runtime, team_id=T2.team_id)

    assert read(runtime, lambda s: outbox.pending_count(s, team_id=T1.team_id)) == 2
    assert read(runtime, lambda s: outbox.pending_count(s, team_id=T2.team_id)) == 1


# --- inbox ------------------------------------------------------------------------------


def _claim_event(runtime: Core, event_id: str, team_id: str = T1.team_id) -> bool:
    return runtime.in_transaction(
        inbox.claim_event,
        team_id=team_id,
        event_id=event_id,
        event_type="reaction_added",
        now=runtime.clock.now(),
    )


def test_an_event_is_claimed_once_per_workspace(runtime: Core) -> None:
    assert _claim_event(runtime, "Ev01") is True
    for _retry in range(3):
        assert _claim_event(runtime, "Ev01") is False
    assert _claim_event(runtime, "Ev01", team_id=T2.team_id) is True
    assert _claim_event(runtime, "Ev02") is True
    assert count(runtime, InboundEvent) == 3


def test_twenty_concurrent_duplicates_one_claim(runtime: Core) -> None:
    claims = all_at_once(20, lambda: _claim_event(runtime, "Ev0DUP"))

    assert claims.count(True) == 1
    assert claims.count(False) == 19
    assert count(runtime, InboundEvent) == 1


def test_old_event_keys_are_forgotten(runtime: Core, clock: FrozenClock) -> None:
    _claim_event(runtime, "Ev0OLD")
    clock.advance(timedelta(hours=2))
    _claim_event(runtime, "Ev0NEW")

    forgotten = runtime.in_transaction(
        inbox.forget_events_before, before=clock.now() - timedelta(hours=1)
    )

    assert forgotten == 1
    assert _claim_event(runtime, "Ev0NEW") is False
    assert _claim_event(runtime, "Ev0OLD") is True
