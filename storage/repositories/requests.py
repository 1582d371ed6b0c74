"""Queries on client requests; every one filtered by `team_id`, except the due-work scan,
which serves every workspace and returns each row's `team_id` with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from storage.enums import RequestStatus
from storage.models import ClientRequest
from storage.repositories.upsert import insert_ignore

LIVE = (RequestStatus.open, RequestStatus.acknowledged)


def add(session: Session, values: dict[str, Any]) -> bool:
    """Insert a request unless one with this (team, channel, ts) exists; True when new."""
    return insert_ignore(session, ClientRequest, values)


def by_ts(
    session: Session, *, team_id: str, channel_id: str, ts: str, lock: bool = False
) -> ClientRequest | None:
    statement = select(ClientRequest).where(
        ClientRequest.team_id == team_id,
        ClientRequest.channel_id == channel_id,
        ClientRequest.ts == ts,
    )
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).one_or_none()


def by_id(
    session: Session, *, team_id: str, request_id: int, lock: bool = False
) -> ClientRequest | None:
    statement = select(ClientRequest).where(
        ClientRequest.team_id == team_id, ClientRequest.id == request_id
    )
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).one_or_none()


def latest_of(
    session: Session, *, team_id: str, channel_id: str, requester: str
) -> ClientRequest | None:
    """The requester's most recent request in the channel, neither dismissed nor withdrawn."""
    statement = (
        select(ClientRequest)
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.channel_id == channel_id,
            ClientRequest.requester == requester,
            ClientRequest.status.in_(LIVE),
        )
        .order_by(ClientRequest.created_at.desc(), ClientRequest.id.desc())
        .limit(1)
        .with_for_update()
    )
    return session.scalars(statement).first()


def latest_of_many(
    session: Session, *, team_id: str, channel_id: str, requesters: list[str]
) -> dict[str, ClientRequest]:
    """`latest_of` for several requesters of one channel in one query (the newest row each:
    ids grow with arrival)."""
    if not requesters:
        return {}
    newest = (
        select(func.max(ClientRequest.id))
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.channel_id == channel_id,
            ClientRequest.requester.in_(requesters),
            ClientRequest.status.in_(LIVE),
        )
        .group_by(ClientRequest.requester)
    )
    rows = session.scalars(
        select(ClientRequest).where(ClientRequest.team_id == team_id, ClientRequest.id.in_(newest))
    )
    return {row.requester: row for row in rows}


def claim_due(session: Session, *, now: datetime, limit: int) -> list[ClientRequest]:
    """The requests whose next check is due, locked for this transaction.

    On PostgreSQL the rows are locked `FOR UPDATE SKIP LOCKED`: two schedulers take disjoint
    sets and neither waits. SQLite has one writer at a time; the caller's conditional update
    (`reschedule`) is what keeps a second process from acting on the same row twice.
    """
    return list(session.scalars(due_statement(now=now, limit=limit)))


def due_statement(*, now: datetime, limit: int) -> Select[ClientRequest]:
    """The scan's statement; the partial index `ix_client_requests_due` answers it."""
    return (
        select(ClientRequest)
        .where(ClientRequest.next_check_at.is_not(None), ClientRequest.next_check_at <= now)
        .order_by(ClientRequest.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def reschedule(
    session: Session,
    *,
    request_id: int,
    seen: datetime | None,
    next_check_at: datetime | None,
    **changes: object,
) -> bool:
    """Move a request's next check (and set `changes`: what an alert marks), only if it still
    holds the value this scheduler read."""
    statement = (
        update(ClientRequest)
        .where(ClientRequest.id == request_id, ClientRequest.next_check_at == seen)
        .values(next_check_at=next_check_at, **changes)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def next_due(session: Session) -> datetime | None:
    """The earliest pending check of any workspace (the scheduler sleeps until then)."""
    return session.scalar(
        select(func.min(ClientRequest.next_check_at)).where(
            ClientRequest.next_check_at.is_not(None)
        )
    )


def page(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    open_only: bool,
    offset: int,
    limit: int,
) -> tuple[list[ClientRequest], int]:
    """One page of a channel's requests, newest first, and how many there are in all."""
    conditions = [ClientRequest.team_id == team_id, ClientRequest.channel_id == channel_id]
    if open_only:
        conditions.append(ClientRequest.status == RequestStatus.open)
    else:
        conditions.append(ClientRequest.status != RequestStatus.withdrawn)
    total = session.scalar(select(func.count()).select_from(ClientRequest).where(*conditions))
    rows = session.scalars(
        select(ClientRequest)
        .where(*conditions)
        .order_by(ClientRequest.created_at.desc(), ClientRequest.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


def of_channel(session: Session, *, team_id: str, channel_id: str) -> list[ClientRequest]:
    """Every request of a channel (withdrawn ones left out), oldest first, for exports."""
    return list(
        session.scalars(
            select(ClientRequest)
            .where(
                ClientRequest.team_id == team_id,
                ClientRequest.channel_id == channel_id,
                ClientRequest.status != RequestStatus.withdrawn,
            )
            .order_by(ClientRequest.created_at, ClientRequest.id)
        )
    )


def teams_with_text(session: Session) -> list[str]:
    """Workspaces holding some request text (retention looks at each)."""
    statement = select(ClientRequest.team_id).where(ClientRequest.text.is_not(None)).distinct()
    return list(session.scalars(statement))


def redact_texts(session: Session, *, team_id: str, before: datetime, now: datetime) -> int:
    """Forget the text of requests that arrived before `before` (the figures stay)."""
    statement = (
        update(ClientRequest)
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.created_at < before,
            ClientRequest.text.is_not(None),
        )
        .values(text=None, text_redacted_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
