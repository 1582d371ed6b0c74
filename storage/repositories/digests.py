"""Queries on channel digests and the week's irritant figures; all but the due scan filter by
team_id (the scan finds due rows across workspaces, and each is then handled as its own)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Executable,
    and_,
    bindparam,
    case,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from storage.base import UtcDateTime
from storage.enums import IrritantEventKind, IrritantStatus, RequestStatus
from storage.models import (
    ChannelDigest,
    ClientRequest,
    Irritant,
    IrritantEvent,
    IrritantVote,
    Promise,
    PromiseVersion,
)

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


def mark_sent_many(
    session: Session,
    *,
    digest_ids: list[int],
    claimed_due: datetime,
    sent_for: datetime,
    next_due_at: datetime,
) -> list[int]:
    """Record the week `sent_for` as sent for these digests (claimed together, with the same
    schedule) and move them to the next occurrence, once; returns the ids it changed.

    The update only applies while a row still says what the claim read (`next_due_at`) and
    that week is not already recorded: a second scheduler that read the same rows changes
    nothing and must not send.
    """
    if not digest_ids:
        return []
    return list(
        session.scalars(
            update(ChannelDigest)
            .where(
                ChannelDigest.id.in_(digest_ids),
                ChannelDigest.next_due_at == claimed_due,
                or_(ChannelDigest.last_sent_for.is_(None), ChannelDigest.last_sent_for < sent_for),
            )
            .values(last_sent_for=sent_for, next_due_at=next_due_at)
            .returning(ChannelDigest.id)
        )
    )


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


def promises_made(
    session: Session, *, team_id: str, channel_id: str, start: datetime, end: datetime
) -> list[str]:
    """The texts of the promises the channel made in [start, end), oldest first."""
    return list(
        session.scalars(
            select(PromiseVersion.text)
            .join(Promise, Promise.id == PromiseVersion.promise_id)
            .where(
                Promise.team_id == team_id,
                Promise.channel_id == channel_id,
                Promise.created_at >= start,
                Promise.created_at < end,
                PromiseVersion.number == 1,
            )
            .order_by(Promise.created_at, Promise.id)
        )
    )


@dataclass(frozen=True)
class RequestRef:
    ts: str
    created_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class AcknowledgedRow:
    created_at: datetime
    acknowledged_at: datetime
    promise_version_id: int


@dataclass(frozen=True)
class WeekCounts:
    """A channel's request counts for one week (see `bot/digests/figures.py`)."""

    received: int
    due: int
    kept: int
    acknowledged: int
    on_time: int
    follow_ups: int


@dataclass(frozen=True)
class WeekDetails:
    """What the digest links to and thanks for, for its own week only."""

    breaches: list[RequestRef]
    oldest_open: RequestRef | None
    pickers: list[tuple[str, int]]


COUNTED = ClientRequest.status.not_in((RequestStatus.dismissed, RequestStatus.withdrawn))
_FIGURES_PER_WEEK = 6


def _in_channel(team_id: str, channel_id: str) -> ColumnElement[bool]:
    r = ClientRequest
    return and_(r.team_id == team_id, r.channel_id == channel_id, COUNTED)


def request_counts(
    session: Session, *, team_id: str, channel_id: str, weeks: list[tuple[datetime, datetime]]
) -> list[WeekCounts]:
    """Each week's counts for one channel, oldest first, in one aggregate statement.

    Conditional sums, six per week (weeks follow the local calendar, so a DST change makes
    one 167 or 169 hours long: no arithmetic bucketing). The rows read are the channel's
    that arrived, fell due or were acknowledged in the span, through its indexes.
    """
    if not weeks:
        return []
    params: dict[str, object] = {"team_id": team_id, "channel_id": channel_id}
    for index, (start, end) in enumerate(weeks):
        params[f"start_{index}"], params[f"end_{index}"] = start, end
    row = session.execute(_counts_statement(len(weeks)), params).one()
    values = [int(value) for value in row]
    return [
        WeekCounts(*values[index : index + _FIGURES_PER_WEEK])
        for index in range(0, len(values), _FIGURES_PER_WEEK)
    ]


@functools.cache
def _counts_statement(weeks: int) -> Executable:
    """Built once per number of weeks, with bound parameters: a digest runs it with its own
    channel and dates, and SQLAlchemy's compiled cache does the rest."""
    r = ClientRequest
    on_time = and_(r.acknowledged_at.is_not(None), r.acknowledged_at <= r.due_at)

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def instant(name: str) -> BindParameter[datetime]:
        return bindparam(name, type_=UtcDateTime())

    columns: list[ColumnElement[int]] = []
    for index in range(weeks):
        start, end = instant(f"start_{index}"), instant(f"end_{index}")
        arrived = and_(r.created_at >= start, r.created_at < end)
        due = and_(r.due_at >= start, r.due_at < end)
        acked = and_(r.acknowledged_at >= start, r.acknowledged_at < end)
        columns += [
            count_if(arrived),
            count_if(due),
            count_if(and_(due, on_time)),
            count_if(acked),
            count_if(and_(acked, on_time)),
            func.coalesce(func.sum(case((arrived, r.follow_ups), else_=0)), 0),
        ]
    first, last = instant("start_0"), instant(f"end_{weeks - 1}")
    return select(*columns).where(
        r.team_id == bindparam("team_id"),
        r.channel_id == bindparam("channel_id"),
        COUNTED,
        or_(
            and_(r.created_at >= first, r.created_at < last),
            and_(r.due_at >= first, r.due_at < last),
            and_(r.acknowledged_at >= first, r.acknowledged_at < last),
        ),
    )


def acknowledged_between(
    session: Session, *, team_id: str, channel_id: str, start: datetime, end: datetime
) -> list[AcknowledgedRow]:
    """The channel's requests acknowledged in [start, end), for the time-to-acknowledge
    percentiles in business time (each promise version has its own hours): weeks of one
    channel, never its whole history."""
    r = ClientRequest
    rows = session.execute(
        select(r.created_at, r.acknowledged_at, r.promise_version_id).where(
            _in_channel(team_id, channel_id), r.acknowledged_at >= start, r.acknowledged_at < end
        )
    ).all()
    return [
        AcknowledgedRow(created_at=row[0], acknowledged_at=row[1], promise_version_id=row[2])
        for row in rows
        if row[1] is not None
    ]


def week_details(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    start: datetime,
    end: datetime,
    breaches: int,
    pickers: int,
) -> WeekDetails:
    """The first breaches of the week, the oldest request still open at its end, and who
    acknowledged most in it."""
    r = ClientRequest
    scope = _in_channel(team_id, channel_id)
    on_time = and_(r.acknowledged_at.is_not(None), r.acknowledged_at <= r.due_at)
    breach_rows = session.execute(
        select(r.ts, r.created_at, r.permalink)
        .where(scope, r.due_at >= start, r.due_at < end, not_(on_time))
        .order_by(r.created_at)
        .limit(breaches)
    ).all()
    open_at_end = and_(
        scope,
        r.created_at < end,
        or_(r.acknowledged_at.is_(None), r.acknowledged_at > end),
    )
    oldest = session.execute(
        select(r.ts, r.created_at, r.permalink).where(open_at_end).order_by(r.created_at).limit(1)
    ).first()
    picker_count = func.count()
    picker_rows = session.execute(
        select(r.acknowledged_by, picker_count)
        .where(
            scope,
            r.acknowledged_at >= start,
            r.acknowledged_at < end,
            r.acknowledged_by.is_not(None),
        )
        .group_by(r.acknowledged_by)
        .order_by(picker_count.desc(), r.acknowledged_by)
        .limit(pickers)
    ).all()
    return WeekDetails(
        breaches=[
            RequestRef(ts=row[0], created_at=row[1], permalink=row[2]) for row in breach_rows
        ],
        oldest_open=None
        if oldest is None
        else RequestRef(ts=oldest[0], created_at=oldest[1], permalink=oldest[2]),
        pickers=[(row[0] or "", int(row[1])) for row in picker_rows],
    )


def promise_version(session: Session, *, team_id: str, version_id: int) -> PromiseVersion | None:
    """One version of a promise of this workspace (a request names the version it arrived
    under)."""
    version = session.get(PromiseVersion, version_id)
    return version if version is not None and version.team_id == team_id else None
