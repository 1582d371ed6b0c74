"""Queries joining journey moments and exercises to irritants and promises; every one
filters by team_id."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.enums import JourneyPhase
from storage.models import (
    Irritant,
    JourneyExercise,
    JourneyMoment,
    Promise,
    PromiseVersion,
)

OPEN_IRRITANT_STATUSES = ("new", "acknowledged")


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
