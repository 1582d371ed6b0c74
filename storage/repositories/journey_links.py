"""Queries joining journey moments and exercises to irritants and promises; every one
filters by team_id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import JourneyPhase, RequestStatus
from storage.models import (
    ClientRequest,
    Irritant,
    JourneyCard,
    JourneyExercise,
    JourneyMoment,
    Promise,
    PromiseVersion,
)

OPEN_IRRITANT_STATUSES = ("new", "acknowledged")
# Requests a kept rate counts: those still waiting or answered ("not a request" and deleted
# messages are not requests).
COUNTED_REQUEST_STATUSES = (RequestStatus.open, RequestStatus.acknowledged)


# -- irritants linked to moments -----------------------------------------------------------
def open_irritants(session: Session, *, team_id: str, moment_ids: list[int]) -> dict[int, int]:
    if not moment_ids:
        return {}
    statement = (
        select(Irritant.moment_id, func.count())
        .where(
            Irritant.team_id == team_id,
            Irritant.moment_id.in_(moment_ids),
            Irritant.status.in_(OPEN_IRRITANT_STATUSES),
        )
        .group_by(Irritant.moment_id)
    )
    return {moment_id: count for moment_id, count in session.execute(statement) if moment_id}


def link_irritant(
    session: Session, *, team_id: str, irritant_id: int, moment_id: int | None
) -> bool:
    result = session.execute(
        update(Irritant)
        .where(Irritant.team_id == team_id, Irritant.id == irritant_id)
        .values(moment_id=moment_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def open_moments_in_channel(
    session: Session, *, team_id: str, channel_id: str
) -> list[tuple[JourneyExercise, JourneyMoment]]:
    """Moments of the channel's exercises that are not closed, to link an irritant to one."""
    statement = (
        select(JourneyExercise, JourneyMoment)
        .join(JourneyMoment, JourneyMoment.exercise_id == JourneyExercise.id)
        .where(
            JourneyExercise.team_id == team_id,
            JourneyExercise.channel_id == channel_id,
            JourneyExercise.phase != JourneyPhase.closed,
            JourneyMoment.team_id == team_id,
            JourneyMoment.deleted_at.is_(None),
        )
        .order_by(JourneyExercise.number.desc(), JourneyMoment.position)
    )
    return [(exercise, moment) for exercise, moment in session.execute(statement)]


# -- promises made from an exercise ---------------------------------------------------------
def exercise_promises(
    session: Session, *, team_id: str, exercise_id: int
) -> list[tuple[Promise, PromiseVersion]]:
    """The exercise's promises in force, each with its current version, oldest first."""
    statement = (
        select(Promise, PromiseVersion)
        .join(PromiseVersion, PromiseVersion.promise_id == Promise.id)
        .where(
            Promise.team_id == team_id,
            Promise.exercise_id == exercise_id,
            Promise.ended_at.is_(None),
            PromiseVersion.team_id == team_id,
            PromiseVersion.valid_to.is_(None),
        )
        .order_by(Promise.id)
    )
    return [(promise, version) for promise, version in session.execute(statement)]


def link_promise(session: Session, *, team_id: str, promise_id: int, exercise_id: int) -> None:
    session.execute(
        update(Promise)
        .where(Promise.team_id == team_id, Promise.id == promise_id)
        .values(exercise_id=exercise_id)
    )


def mark_card_promise(session: Session, *, team_id: str, card_id: int, promise_id: int) -> None:
    """The card this promise was made from."""
    session.execute(
        update(JourneyCard)
        .where(JourneyCard.team_id == team_id, JourneyCard.id == card_id)
        .values(promise_id=promise_id)
    )


def move_card_promises(
    session: Session, *, team_id: str, from_promise: int, to_promise: int
) -> None:
    """A commitment became its channel's watch: its cards now point at the watch."""
    session.execute(
        update(JourneyCard)
        .where(JourneyCard.team_id == team_id, JourneyCard.promise_id == from_promise)
        .values(promise_id=to_promise)
    )


@dataclass(frozen=True)
class KeptCount:
    due: int = 0  # requests whose deadline passed, or that were acknowledged already
    kept: int = 0  # of those, acknowledged by their deadline


def kept_by_moment(
    session: Session, *, team_id: str, moment_ids: list[int], now: datetime
) -> dict[int, KeptCount]:
    """For each moment, the requests of the promises made from its cards: how many are settled
    (their deadline passed, or they were acknowledged) and how many of those were kept.

    One grouped query whatever the number of moments; a promise made from two cards of one
    moment counts its requests once. Dismissed and withdrawn requests don't count.
    """
    if not moment_ids:
        return {}
    links = (
        select(JourneyCard.moment_id, JourneyCard.promise_id)
        .where(
            JourneyCard.team_id == team_id,
            JourneyCard.moment_id.in_(moment_ids),
            JourneyCard.promise_id.is_not(None),
            JourneyCard.deleted_at.is_(None),
        )
        .distinct()
        .subquery()
    )
    kept = and_(
        ClientRequest.acknowledged_at.is_not(None),
        ClientRequest.acknowledged_at <= ClientRequest.due_at,
    )
    statement = (
        select(links.c.moment_id, func.count(), func.sum(case((kept, 1), else_=0)))
        .join(ClientRequest, ClientRequest.promise_id == links.c.promise_id)
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.status.in_(COUNTED_REQUEST_STATUSES),
            or_(ClientRequest.due_at <= now, ClientRequest.acknowledged_at.is_not(None)),
        )
        .group_by(links.c.moment_id)
    )
    return {
        moment_id: KeptCount(int(due), int(kept_count or 0))
        for moment_id, due, kept_count in session.execute(statement)
    }
