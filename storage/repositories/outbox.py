"""Queries on the outbox: enqueue inside a use case's transaction, claim with a lease, settle."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.models import OutboxMessage

MAX_ATTEMPTS = 8
_ENQUEUE = insert(OutboxMessage.metadata.tables["outbox"])


def enqueue(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    delay: timedelta = timedelta(0),
) -> None:
    # A Core insert with bound parameters: no unit-of-work bookkeeping on the ingest's path.
    session.execute(
        _ENQUEUE,
        {
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "kind": kind,
            "payload": json.dumps(payload, sort_keys=True),
            "due_at": now + delay,
            "attempts": 0,
            "created_at": now,
        },
    )


def enqueue_many(session: Session, *, rows: list[dict[str, object]], now: datetime) -> None:
    """`enqueue` for many (team_id, enterprise_id, kind, payload) at once, all due now."""
    if rows:
        session.execute(
            _ENQUEUE,
            [
                {
                    **row,
                    "payload": json.dumps(row["payload"], sort_keys=True),
                    "due_at": now,
                    "attempts": 0,
                    "created_at": now,
                }
                for row in rows
            ],
        )


def due_ids(session: Session, *, now: datetime, limit: int = 50) -> list[int]:
    statement = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def claim(
    session: Session, *, message_id: int, now: datetime, lease: timedelta
) -> OutboxMessage | None:
    """Take a message for `lease`; a conditional UPDATE, so two replicas can't both win.

    `due_at` is checked again: a replica holding an older `due_ids` list must not take a
    message another replica has just put back to wait out its back-off.
    """
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def claim_many(
    session: Session, *, message_ids: list[int], now: datetime, lease: timedelta
) -> list[OutboxMessage]:
    """`claim` for several messages in one statement; returns the ones this caller won."""
    if not message_ids:
        return []
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    )
    won = list(session.scalars(statement))
    if not won:
        return []
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(won))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


def mark_all_sent(session: Session, *, message_ids: list[int], now: datetime) -> None:
    if message_ids:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(sent_at=now)
        )


def mark_sent(session: Session, *, message_id: int, now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(sent_at=now))


def mark_retry(
    session: Session, *, message_id: int, now: datetime, error: str, retry_in: timedelta
) -> None:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return
    message.last_error = error[:200]
    message.claimed_until = None
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
    else:
        message.due_at = now + retry_in


def mark_failed(session: Session, *, message_id: int, now: datetime, error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(failed_at=now, last_error=error[:200], claimed_until=None)
    )


def pending_count(session: Session, *, team_id: str) -> int:
    statement = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
        )
    )
    return session.scalar(statement) or 0
