"""The inbound-event inbox: one row per (workspace, event_id), whatever Slack redelivers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import InboundEvent
from storage.repositories.upsert import insert_ignore, insert_many_ignore


def claim_event(
    session: Session, *, team_id: str, event_id: str, event_type: str, now: datetime
) -> bool:
    """True the first time this event is seen; False for a retry or a concurrent duplicate."""
    return insert_ignore(
        session,
        InboundEvent,
        {"team_id": team_id, "event_id": event_id, "event_type": event_type, "received_at": now},
    )


def forget_events_before(session: Session, *, before: datetime) -> int:
    """Slack retries for minutes, not days: old keys can go."""
    statement = delete(InboundEvent).where(InboundEvent.received_at < before)
    return session.execute(statement).rowcount  # type: ignore[attr-defined, no-any-return]


def claim_events(
    session: Session, *, team_id: str, events: list[tuple[str, str]], now: datetime
) -> set[str]:
    """`claim_event` for many (event_id, event_type) at once; the ids claimed by this call."""
    rows = [
        {"team_id": team_id, "event_id": key, "event_type": kind, "received_at": now}
        for key, kind in events
    ]
    return {row[0] for row in insert_many_ignore(session, InboundEvent, rows, ["event_id"])}
