"""Tests of the Slack-free core (use cases and repositories) against a real database.

The helpers below run one use case per transaction, the way a handler does, and read the
database back in a fresh transaction so a test sees what was committed, not a session cache.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import Core
from bot.irritants import rules as irritants
from bot.irritants.rules import ReportResult
from bot.tenancy import Workspace
from storage.models import Irritant, IrritantEvent, IrritantVote, OutboxMessage
from storage.repositories import irritants as repo

T = TypeVar("T")

T1 = Workspace("T0000ONE")
T2 = Workspace("T0000TWO", enterprise_id="E0000TWO")
CHANNEL = "C0CLIENTS"
TS = "1700000000.000100"


def report(
    runtime: Core,
    *,
    ws: Workspace = T1,
    user: str = "U0ANNA",
    emoji: str = "irritant",
    channel: str = CHANNEL,
    ts: str = TS,
    **extra: Any,
) -> ReportResult:
    return runtime.in_transaction(
        irritants.report,
        ws=ws,
        channel_id=channel,
        message_ts=ts,
        reporter_id=user,
        via=emoji,
        now=runtime.clock.now(),
        **extra,
    )


def unreport(
    runtime: Core,
    *,
    ws: Workspace = T1,
    user: str = "U0ANNA",
    emoji: str = "irritant",
    channel: str = CHANNEL,
    ts: str = TS,
) -> Irritant | None:
    return runtime.in_transaction(
        irritants.unreport,
        ws=ws,
        channel_id=channel,
        message_ts=ts,
        reporter_id=user,
        via=emoji,
        now=runtime.clock.now(),
    )


def read(runtime: Core, work: Callable[[Session], T]) -> T:
    return runtime.in_transaction(work)


def irritant(runtime: Core, irritant_id: int, ws: Workspace = T1) -> Irritant:
    found = read(runtime, lambda s: repo.by_id(s, team_id=ws.team_id, irritant_id=irritant_id))
    assert found is not None
    return found


def note_of(
    runtime: Core, irritant_id: int, user: str = "U0ANNA", ws: Workspace = T1
) -> str | None:
    return read(
        runtime,
        lambda s: repo.note_of(s, team_id=ws.team_id, irritant_id=irritant_id, user_id=user),
    )


def reporters(runtime: Core, irritant_id: int, ws: Workspace = T1) -> list[str]:
    return read(runtime, lambda s: repo.reporters(s, team_id=ws.team_id, irritant_id=irritant_id))


def event_kinds(runtime: Core, irritant_id: int, ws: Workspace = T1) -> list[str]:
    events = read(
        runtime, lambda s: repo.history(s, team_id=ws.team_id, irritant_ids=[irritant_id])
    )
    return [event.kind for event in events]


def outbox(runtime: Core, kind: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(team_id, kind, payload) of every outbox row, oldest first."""

    def work(session: Session) -> list[tuple[str, str, dict[str, Any]]]:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.team_id, row.kind, json.loads(row.payload)) for row in rows]

    rows = read(runtime, work)
    return [row for row in rows if kind is None or row[1] == kind]


def count(runtime: Core, model: type[Any], **where: object) -> int:
    def work(session: Session) -> int:
        statement = select(func.count()).select_from(model)
        for column, value in where.items():
            statement = statement.where(getattr(model, column) == value)
        return session.scalar(statement) or 0

    return read(runtime, work)


def totals(runtime: Core) -> tuple[int, int, int, int]:
    """(irritants, votes, events, outbox rows): a snapshot to prove nothing changed."""
    return (
        count(runtime, Irritant),
        count(runtime, IrritantVote),
        count(runtime, IrritantEvent),
        count(runtime, OutboxMessage),
    )


def all_at_once(threads: int, work: Callable[[], T]) -> list[T]:
    """Run `work` on `threads` threads released together; re-raise the first error."""
    barrier = threading.Barrier(threads)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            result = work()
        except BaseException as error:  # collected and re-raised in the test's thread
            with lock:
                errors.append(error)
            return
        with lock:
            results.append(result)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a thread is stuck"
    if errors:
        raise errors[0]
    return results
