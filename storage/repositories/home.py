"""Queries behind the home tab: its viewers, and what it shows, read in few statements.

`channels` is the reader's filter (`Audience.only_channels`): None reads every channel of the
workspace (admins), a set reads only those. Every list is capped in SQL and counted in SQL,
so a home costs the same with 10 or 10,000 rows behind it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import IrritantStatus, JourneyPhase, PromiseKind, RequestStatus
from storage.models import (
    ChannelMember,
    ClientRequest,
    HomeViewer,
    Irritant,
    IrritantVote,
    JourneyBallot,
    JourneyExercise,
    Promise,
)
from storage.repositories.upsert import insert_ignore

OPEN_IRRITANT = (IrritantStatus.new, IrritantStatus.acknowledged)
COUNTED = ClientRequest.status.not_in((RequestStatus.dismissed, RequestStatus.withdrawn))


def _in(column: Any, channels: Collection[str] | None) -> ColumnElement[bool]:
    return column.in_(sorted(channels)) if channels is not None else and_(True)


# -- viewers ---------------------------------------------------------------------------------
def record_opened(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    user_id: str,
    is_admin: bool,
    now: datetime,
) -> None:
    """The person opened the tab (and is shown it now)."""
    insert_ignore(
        session,
        HomeViewer,
        {
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "user_id": user_id,
            "is_admin": is_admin,
            "opened_at": now,
            "published_at": None,
            "refresh_pending": False,
        },
    )
    session.execute(
        update(HomeViewer)
        .where(HomeViewer.team_id == team_id, HomeViewer.user_id == user_id)
        .values(is_admin=is_admin, opened_at=now, published_at=now)
    )


def mark_for_refresh(
    session: Session, *, changed: Mapping[str, Collection[str]]
) -> list[tuple[str, str, str | None, datetime | None]]:
    """Flag the viewers who see these channels ({team: channels}) and have no refresh waiting
    yet; returns (team, user, enterprise, last published) of those flagged.

    Two statements whatever the number of workspaces. The candidates are locked in id order
    (PostgreSQL), so two transactions flagging overlapping viewers never deadlock, and the
    update is conditional on the flag: a concurrent transaction flagging the same viewer waits
    for this one and then finds the flag set, so two changes never queue two refreshes.
    """
    seen_by = [
        and_(
            HomeViewer.team_id == team_id,
            or_(
                HomeViewer.is_admin.is_(True),
                HomeViewer.user_id.in_(
                    select(ChannelMember.user_id).where(
                        ChannelMember.team_id == team_id,
                        ChannelMember.channel_id.in_(sorted(channel_ids)),
                    )
                ),
            ),
        )
        for team_id, channel_ids in sorted(changed.items())
        if channel_ids
    ]
    if not seen_by:
        return []
    candidates = list(
        session.scalars(
            select(HomeViewer.id)
            .where(HomeViewer.refresh_pending.is_(False), or_(*seen_by))
            .order_by(HomeViewer.id)
            .with_for_update()
        )
    )
    if not candidates:
        return []
    statement = (
        update(HomeViewer)
        .where(HomeViewer.id.in_(candidates), HomeViewer.refresh_pending.is_(False))
        .values(refresh_pending=True)
        .returning(
            HomeViewer.team_id,
            HomeViewer.user_id,
            HomeViewer.enterprise_id,
            HomeViewer.published_at,
        )
    )
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(statement)]


def take_refresh(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """The refresh is being published now: later changes queue another. False: no viewer."""
    statement = (
        update(HomeViewer)
        .where(HomeViewer.team_id == team_id, HomeViewer.user_id == user_id)
        .values(refresh_pending=False, published_at=now)
        .returning(HomeViewer.id)
    )
    return session.execute(statement).first() is not None


def exercise_channels(
    session: Session, *, exercise_ids: list[int]
) -> list[tuple[str, str | None, str]]:
    """(team, enterprise, channel) of these exercises, for the scheduler's phase moves (it
    moves exercises of every workspace at once)."""
    if not exercise_ids:
        return []
    statement = (
        select(JourneyExercise.team_id, JourneyExercise.enterprise_id, JourneyExercise.channel_id)
        .where(JourneyExercise.id.in_(exercise_ids))
        .distinct()
    )
    return [(row[0], row[1], row[2]) for row in session.execute(statement)]


# -- what the home shows ---------------------------------------------------------------------
def _watched() -> ColumnElement[bool]:
    """The request's promise is still the channel's watch."""
    return exists().where(
        Promise.id == ClientRequest.promise_id,
        Promise.kind == PromiseKind.response_time,
        Promise.ended_at.is_(None),
    )


def waiting_requests(
    session: Session, *, team_id: str, channels: Collection[str] | None, limit: int
) -> tuple[list[ClientRequest], int]:
    """Open requests of watched channels, oldest first (capped), and how many in all."""
    where = and_(
        ClientRequest.team_id == team_id,
        ClientRequest.status == RequestStatus.open,
        _in(ClientRequest.channel_id, channels),
        _watched(),
    )
    rows = list(
        session.scalars(
            select(ClientRequest)
            .where(where)
            .order_by(ClientRequest.created_at, ClientRequest.id)
            .limit(limit)
        )
    )
    total = session.scalar(select(func.count()).select_from(ClientRequest).where(where)) or 0
    return rows, total


def reported_by(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channels: Collection[str] | None,
    limit: int,
) -> tuple[list[Irritant], int]:
    """Irritants the person reported (open ones first, then the latest), and how many."""
    voted = Irritant.id.in_(
        select(IrritantVote.irritant_id).where(
            IrritantVote.team_id == team_id, IrritantVote.user_id == user_id
        )
    )
    where = and_(
        Irritant.team_id == team_id,
        Irritant.status != IrritantStatus.withdrawn,
        _in(Irritant.channel_id, channels),
        voted,
    )
    still_open = case((Irritant.status.in_(OPEN_IRRITANT), 0), else_=1)
    rows = list(
        session.scalars(
            select(Irritant)
            .where(where)
            .order_by(still_open, Irritant.last_reported_at.desc(), Irritant.id.desc())
            .limit(limit)
        )
    )
    total = session.scalar(select(func.count()).select_from(Irritant).where(where)) or 0
    return rows, total


@dataclass(frozen=True)
class ExerciseRow:
    exercise: JourneyExercise
    votes_spent: int


def running_exercises(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channels: Collection[str] | None,
    limit: int,
) -> tuple[list[ExerciseRow], int]:
    """Exercises not closed in the reader's channels (or that they facilitate), newest first,
    with the votes they spent."""
    where = and_(
        JourneyExercise.team_id == team_id,
        JourneyExercise.phase != JourneyPhase.closed,
        or_(_in(JourneyExercise.channel_id, channels), JourneyExercise.facilitator_id == user_id),
    )
    spent = (
        select(JourneyBallot.spent)
        .where(JourneyBallot.exercise_id == JourneyExercise.id, JourneyBallot.user_id == user_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(JourneyExercise, func.coalesce(spent, 0))
        .where(where)
        .order_by(JourneyExercise.phase_changed_at.desc(), JourneyExercise.id.desc())
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(JourneyExercise).where(where)) or 0
    return [ExerciseRow(row[0], int(row[1])) for row in rows], total


def active_channels(
    session: Session, *, team_id: str, channels: Collection[str] | None
) -> list[str]:
    """Channels with something to show: a watch, an open irritant or a running exercise."""
    watched = select(Promise.channel_id).where(
        Promise.team_id == team_id,
        Promise.kind == PromiseKind.response_time,
        Promise.ended_at.is_(None),
        _in(Promise.channel_id, channels),
    )
    irritated = select(Irritant.channel_id).where(
        Irritant.team_id == team_id,
        Irritant.status.in_(OPEN_IRRITANT),
        _in(Irritant.channel_id, channels),
    )
    exercised = select(JourneyExercise.channel_id).where(
        JourneyExercise.team_id == team_id,
        JourneyExercise.phase != JourneyPhase.closed,
        _in(JourneyExercise.channel_id, channels),
    )
    union = watched.union(irritated, exercised).subquery()
    return sorted(session.scalars(select(union.c[0])))


def watched_channels(
    session: Session, *, team_id: str, channels: Collection[str] | None
) -> list[str]:
    statement = select(Promise.channel_id).where(
        Promise.team_id == team_id,
        Promise.kind == PromiseKind.response_time,
        Promise.ended_at.is_(None),
        _in(Promise.channel_id, channels),
    )
    return sorted(session.scalars(statement))


@dataclass(frozen=True)
class ChannelCounts:
    """One channel's line in a team lead's overview."""

    channel_id: str
    due: int = 0  # requests whose deadline fell in the week
    kept: int = 0  # of those, acknowledged by their deadline
    open_requests: int = 0
    open_irritants: int = 0


def channel_counts(
    session: Session, *, team_id: str, channel_ids: list[str], start: datetime, end: datetime
) -> dict[str, ChannelCounts]:
    """Kept, due, open requests and open irritants of each channel: three grouped queries,
    each through an index (the week's deadlines, the open requests, the open irritants)."""
    if not channel_ids:
        return {}
    r = ClientRequest
    on_time = and_(r.acknowledged_at.is_not(None), r.acknowledged_at <= r.due_at)
    weeks = session.execute(
        select(r.channel_id, func.count(), func.coalesce(func.sum(case((on_time, 1), else_=0)), 0))
        .where(
            r.team_id == team_id,
            r.channel_id.in_(channel_ids),
            r.due_at >= start,
            r.due_at < end,
            COUNTED,
        )
        .group_by(r.channel_id)
    ).all()
    still_open = session.execute(
        select(r.channel_id, func.count())
        .where(
            r.team_id == team_id,
            r.channel_id.in_(channel_ids),
            r.status == RequestStatus.open,
            _watched(),
        )
        .group_by(r.channel_id)
    ).all()
    irritants = session.execute(
        select(Irritant.channel_id, func.count())
        .where(
            Irritant.team_id == team_id,
            Irritant.channel_id.in_(channel_ids),
            Irritant.status.in_(OPEN_IRRITANT),
        )
        .group_by(Irritant.channel_id)
    ).all()
    found = {channel_id: [0, 0, 0, 0] for channel_id in channel_ids}
    for channel_id, due, kept in weeks:
        found[channel_id][0:2] = [int(due), int(kept)]
    for channel_id, count in still_open:
        found[channel_id][2] = int(count)
    for channel_id, count in irritants:
        found[channel_id][3] = int(count)
    return {channel_id: ChannelCounts(channel_id, *found[channel_id]) for channel_id in channel_ids}


@dataclass(frozen=True)
class TopIrritant:
    channel_id: str
    irritant_id: int
    text: str | None
    permalink: str | None
    reporters: int


def top_irritants(
    session: Session, *, team_id: str, channel_ids: list[str], per_channel: int
) -> list[TopIrritant]:
    """The most reported open irritants of each channel: their reports counted for those
    irritants only, ranked per channel by a window function, in one query."""
    if not channel_ids:
        return []
    reporters = func.count(func.distinct(IrritantVote.user_id))
    counted = (
        select(
            Irritant.channel_id.label("channel_id"),
            Irritant.id.label("id"),
            Irritant.message_text.label("text"),
            Irritant.permalink.label("permalink"),
            reporters.label("reporters"),
        )
        .outerjoin(
            IrritantVote,
            and_(IrritantVote.irritant_id == Irritant.id, IrritantVote.team_id == team_id),
        )
        .where(
            Irritant.team_id == team_id,
            Irritant.channel_id.in_(channel_ids),
            Irritant.status.in_(OPEN_IRRITANT),
        )
        .group_by(Irritant.channel_id, Irritant.id, Irritant.message_text, Irritant.permalink)
        .subquery()
    )
    rank = (
        func.row_number()
        .over(
            partition_by=counted.c.channel_id, order_by=(counted.c.reporters.desc(), counted.c.id)
        )
        .label("rank")
    )
    ranked = select(counted, rank).subquery()
    rows = session.execute(
        select(ranked.c.channel_id, ranked.c.id, ranked.c.text, ranked.c.permalink)
        .add_columns(ranked.c.reporters)
        .where(ranked.c.rank <= per_channel)
        .order_by(ranked.c.channel_id, ranked.c.rank)
    ).all()
    return [TopIrritant(row[0], row[1], row[2], row[3], int(row[4])) for row in rows]
