"""Home refreshes against a real database: one per viewer however many changes, concurrent
ones included (PostgreSQL), none for a non-member, none after a rollback, and the gap."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import membership
from bot.clock import FrozenClock
from bot.core import Core
from bot.home import changes
from bot.home import usecases as home
from storage.models import OutboxMessage
from tests.storage import CHANNEL, T1, T2, all_at_once

ANNA, BRUNO, CHLOE = "U0ANNA", "U0BRUNO", "U0CHLOE"


def _refreshes(runtime: Core) -> list[OutboxMessage]:
    with runtime.session_factory() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "home_refresh")
                .order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
        return rows


def _change(runtime: Core, channel: str = CHANNEL) -> None:
    def change(session: Session) -> None:
        changes.channels_changed(session, ws=T1, channel_ids=[channel], now=runtime.clock.now())

    runtime.in_transaction(change)


@pytest.fixture
def viewers(runtime: Core) -> None:
    """Anna is in the channel, Bruno is not, Chloe is an admin; all three opened their home."""
    now = runtime.clock.now()
    runtime.in_transaction(
        membership.record_members, ws=T1, channel_id=CHANNEL, user_ids=[ANNA], now=now
    )
    for user, admin in ((ANNA, False), (BRUNO, False), (CHLOE, True)):
        runtime.in_transaction(home.opened, ws=T1, user_id=user, is_admin=admin, now=now)
    # The same people in another workspace: never refreshed by this one's changes.
    runtime.in_transaction(home.opened, ws=T2, user_id=ANNA, is_admin=True, now=now)


def test_concurrent_changes_queue_one_refresh_per_viewer_who_may_see_them(
    runtime: Core, viewers: None
) -> None:
    all_at_once(8, lambda: _change(runtime))
    queued = _refreshes(runtime)
    assert sorted(json.loads(row.payload)["user_id"] for row in queued) == [ANNA, CHLOE]
    assert {row.team_id for row in queued} == {T1.team_id}


def test_a_rolled_back_change_queues_nothing(runtime: Core, viewers: None) -> None:
    def change_then_fail(session: Session) -> None:
        changes.channels_changed(session, ws=T1, channel_ids=[CHANNEL], now=runtime.clock.now())
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        runtime.in_transaction(change_then_fail)
    assert _refreshes(runtime) == []
    _change(runtime)
    assert len(_refreshes(runtime)) == 2


def test_a_refresh_keeps_its_gap_to_the_last_publish(
    runtime: Core, clock: FrozenClock, viewers: None
) -> None:
    opened_at = clock.now()
    clock.advance(timedelta(seconds=5))
    _change(runtime)
    [anna, _chloe] = _refreshes(runtime)
    assert anna.due_at == opened_at + changes.MIN_GAP
    # Published long after: the next change only waits for the burst to settle.
    clock.advance(timedelta(minutes=5))
    assert runtime.in_transaction(home.take_refresh, ws=T1, user_id=ANNA, now=clock.now())
    clock.advance(timedelta(minutes=5))
    _change(runtime)
    assert _refreshes(runtime)[-1].due_at == clock.now() + changes.SETTLE
