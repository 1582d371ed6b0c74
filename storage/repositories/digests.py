"""Queries on channel digests and the week's irritant figures; all but the due scan filter by
team_id (the scan finds due rows across workspaces, and each is then handled as its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import IrritantEventKind, IrritantStatus
from storage.models import ChannelDigest, Irritant, IrritantEvent, IrritantVote

OPEN_STATUSES = (IrritantStatus.new, IrritantStatus.acknowledged)


def get_digest(session: Session, *, team_id: str, channel_id: str) -> ChannelDigest | None:
    return session.scalar(
        select(ChannelDigest).where(
            ChannelDigest.team_id == team_id, ChannelDigest.channel_id == channel_id
        )
    )


def save_digest(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel_id: str,
    weekday: int,
    at_minute: int,
    timezone: str,
    next_due_at: datetime,
    user_id: str,
    now: datetime,
) -> ChannelDigest:
    """Set (or turn back on) a channel's schedule; the week already sent stays recorded."""
    row = get_digest(session, team_id=team_id, channel_id=channel_id)
    if row is None:
        row = ChannelDigest(team_id=team_id, enterprise_id=enterprise_id, channel_id=channel_id)
        session.add(row)
    row.weekday, row.at_minute, row.timezone = weekday, at_minute, timezone
    row.enabled, row.next_due_at = True, next_due_at
    row.updated_by, row.updated_at = user_id, now
    session.flush()
    return row


def turn_off(
    session: Session, *, team_id: str, channel_id: str, user_id: str, now: datetime
) -> bool:
    """Stop a channel's digest; False when it had none running."""
    result = session.execute(
        update(ChannelDigest)
        .where(
            ChannelDigest.team_id == team_id,
            ChannelDigest.channel_id == channel_id,
            ChannelDigest.enabled.is_(True),
        )
        .values(enabled=False, updated_by=user_id, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_due(session: Session, *, now: datetime, limit: int) -> list[ChannelDigest]:
    """Enabled digests due by `now`, oldest first, locked against other replicas.

    On PostgreSQL `FOR UPDATE SKIP LOCKED`: a replica scanning at the same moment skips the
    rows this transaction holds instead of waiting for them or taking them twice. SQLite has
    one writer at a time (`BEGIN IMMEDIATE`), which serialises the scans instead.
    """
    return list(
        session.scalars(
            select(ChannelDigest)
            .where(ChannelDigest.enabled.is_(True), ChannelDigest.next_due_at <= now)
            .order_by(ChannelDigest.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def mark_sent(
    session: Session,
    *,
    digest_id: int,
    claimed_due: datetime,
    sent_for: datetime,
    next_due_at: datetime,
) -> bool:
    """Record the week `sent_for` as sent and move to the next occurrence, once.

    The update only applies while the row still says what the claim read (`next_due_at`) and
    that week is not already recorded: a second scheduler that read the same row changes
    nothing and must not send.
    """
    result = session.execute(
        update(ChannelDigest)
        .where(
            ChannelDigest.id == digest_id,
            ChannelDigest.next_due_at == claimed_due,
            or_(ChannelDigest.last_sent_for.is_(None), ChannelDigest.last_sent_for < sent_for),
        )
        .values(last_sent_for=sent_for, next_due_at=next_due_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class OpenIrritant:
    irritant_id: int
    permalink: str | None
    text: str | None
    category: str | None
    reporters: int


@dataclass(frozen=True)
class IrritantWeekRow:
    opened: int
    resolved: int
    still_open: int
    top_open: list[OpenIrritant]


def irritant_week(
    session: Session, *, team_id: str, channel_id: str, start: datetime, end: datetime, top: int
) -> IrritantWeekRow:
    """Irritants of a channel for one week: opened, resolved, and the most reported open."""
    in_channel = and_(Irritant.team_id == team_id, Irritant.channel_id == channel_id)
    opened = session.scalar(
        select(func.count())
        .select_from(Irritant)
        .where(in_channel, Irritant.created_at >= start, Irritant.created_at < end)
    )
    resolved = session.scalar(
        select(func.count(func.distinct(IrritantEvent.irritant_id)))
        .join(Irritant, Irritant.id == IrritantEvent.irritant_id)
        .where(
            in_channel,
            IrritantEvent.team_id == team_id,
            IrritantEvent.kind == IrritantEventKind.resolved,
            IrritantEvent.at >= start,
            IrritantEvent.at < end,
        )
    )
    still_open = session.scalar(
        select(func.count())
        .select_from(Irritant)
        .where(in_channel, Irritant.status.in_(OPEN_STATUSES), Irritant.created_at < end)
    )
    reporters = (
        select(
            IrritantVote.irritant_id,
            func.count(func.distinct(IrritantVote.user_id)).label("reporters"),
        )
        .where(IrritantVote.team_id == team_id)
        .group_by(IrritantVote.irritant_id)
        .subquery()
    )
    count = func.coalesce(reporters.c.reporters, 0)
    rows = session.execute(
        select(Irritant.id, Irritant.permalink, Irritant.message_text, Irritant.category, count)
        .outerjoin(reporters, reporters.c.irritant_id == Irritant.id)
        .where(in_channel, Irritant.status.in_(OPEN_STATUSES), Irritant.created_at < end)
        .order_by(count.desc(), Irritant.id)
        .limit(top)
    ).all()
    return IrritantWeekRow(
        opened=opened or 0,
        resolved=resolved or 0,
        still_open=still_open or 0,
        top_open=[
            OpenIrritant(
                irritant_id=row[0], permalink=row[1], text=row[2], category=row[3], reporters=row[4]
            )
            for row in rows
        ],
    )
