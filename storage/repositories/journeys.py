"""Queries on journey exercises as a whole: numbers, counts, phases, reminders, who
contributed and who muted; every one filters by team_id. What members put on the board is in
`journey_boards`, the links to irritants and promises in `journey_links`.

The scheduler's scans (`due_phase_changes`, `due_reminders`) read across workspaces, since
the job serves them all; each returns the rows' team_id so what follows stays scoped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import JourneyPhase
from storage.models import (
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyMute,
    JourneyReminder,
    JourneyVote,
)
from storage.repositories.upsert import insert_ignore, insert_many_ignore

# The deadline column that ends each phase that has one.
PHASE_DEADLINES = {
    JourneyPhase.moments: JourneyExercise.moments_deadline,
    JourneyPhase.columns: JourneyExercise.columns_deadline,
    JourneyPhase.vote: JourneyExercise.vote_deadline,
}


# -- exercises ----------------------------------------------------------------------------
def next_number(session: Session, *, team_id: str, channel_id: str) -> int:
    statement = select(func.coalesce(func.max(JourneyExercise.number), 0)).where(
        JourneyExercise.team_id == team_id, JourneyExercise.channel_id == channel_id
    )
    return int(session.scalar(statement) or 0) + 1


def get_exercise(
    session: Session, *, team_id: str, exercise_id: int, lock: bool = False
) -> JourneyExercise | None:
    statement = select(JourneyExercise).where(
        JourneyExercise.team_id == team_id, JourneyExercise.id == exercise_id
    )
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def channel_exercises(session: Session, *, team_id: str, channel_id: str) -> list[JourneyExercise]:
    """The channel's exercises, newest first."""
    statement = (
        select(JourneyExercise)
        .where(JourneyExercise.team_id == team_id, JourneyExercise.channel_id == channel_id)
        .order_by(JourneyExercise.number.desc())
    )
    return list(session.scalars(statement))


@dataclass(frozen=True)
class ExerciseCounts:
    moments: int = 0
    cards: int = 0
    votes: int = 0


def counts(session: Session, *, team_id: str, exercise_ids: list[int]) -> dict[int, ExerciseCounts]:
    """Moments, cards and votes of many exercises: three grouped queries, whatever their number."""
    if not exercise_ids:
        return {}
    found: dict[int, list[int]] = {exercise_id: [0, 0, 0] for exercise_id in exercise_ids}
    scans = (
        (JourneyMoment.exercise_id, JourneyMoment.team_id, JourneyMoment.deleted_at.is_(None)),
        (JourneyCard.exercise_id, JourneyCard.team_id, JourneyCard.deleted_at.is_(None)),
        (JourneyVote.exercise_id, JourneyVote.team_id, None),
    )
    for index, (column, team_column, extra) in enumerate(scans):
        statement = select(column, func.count()).where(
            team_column == team_id, column.in_(exercise_ids)
        )
        if extra is not None:
            statement = statement.where(extra)
        for exercise_id, count in session.execute(statement.group_by(column)):
            found[exercise_id][index] = count
    return {key: ExerciseCounts(*values) for key, values in found.items()}


def advance_phase(
    session: Session,
    *,
    team_id: str,
    exercise_id: int,
    from_phase: JourneyPhase,
    to_phase: JourneyPhase,
    now: datetime,
) -> bool:
    """Move one exercise on if it is still in `from_phase`: True for the one caller that did."""
    statement = (
        update(JourneyExercise)
        .where(
            JourneyExercise.team_id == team_id,
            JourneyExercise.id == exercise_id,
            JourneyExercise.phase == from_phase,
        )
        .values(phase=to_phase, phase_changed_at=now)
        .returning(JourneyExercise.id)
    )
    return session.execute(statement).first() is not None


@dataclass(frozen=True)
class DueExercise:
    id: int
    team_id: str
    enterprise_id: str | None
    phase: JourneyPhase
    channel_id: str = ""


def due_phase_changes(session: Session, *, now: datetime, limit: int = 500) -> list[DueExercise]:
    """Exercises whose current phase's deadline has passed (one query, every workspace)."""
    due = or_(
        *(
            and_(JourneyExercise.phase == phase, column <= now)
            for phase, column in PHASE_DEADLINES.items()
        )
    )
    statement = (
        select(
            JourneyExercise.id,
            JourneyExercise.team_id,
            JourneyExercise.enterprise_id,
            JourneyExercise.phase,
            JourneyExercise.channel_id,
        )
        .where(JourneyExercise.phase.in_(tuple(PHASE_DEADLINES)), due)
        .order_by(JourneyExercise.id)
        .limit(limit)
    )
    return [DueExercise(*row) for row in session.execute(statement)]


def advance_many(
    session: Session,
    *,
    exercise_ids: list[int],
    from_phase: JourneyPhase,
    to_phase: JourneyPhase,
    now: datetime,
) -> list[int]:
    """The conditional UPDATE of `advance_phase` for many: returns the ids this call moved.

    Two replicas running the job at once both try; the `phase` condition lets one win per row.
    """
    if not exercise_ids:
        return []
    statement = (
        update(JourneyExercise)
        .where(JourneyExercise.id.in_(exercise_ids), JourneyExercise.phase == from_phase)
        .values(phase=to_phase, phase_changed_at=now)
        .returning(JourneyExercise.id)
    )
    return [row[0] for row in session.execute(statement)]


def due_reminders(
    session: Session, *, now: datetime, until: datetime, limit: int = 500
) -> list[DueExercise]:
    """Exercises whose phase ends in (now, until] and whose reminder for it is not marked."""
    soon = or_(
        *(
            and_(JourneyExercise.phase == phase, column > now, column <= until)
            for phase, column in PHASE_DEADLINES.items()
        )
    )
    marked = (
        select(JourneyReminder.id)
        .where(
            JourneyReminder.exercise_id == JourneyExercise.id,
            JourneyReminder.phase == JourneyExercise.phase,
        )
        .exists()
    )
    statement = (
        select(
            JourneyExercise.id,
            JourneyExercise.team_id,
            JourneyExercise.enterprise_id,
            JourneyExercise.phase,
        )
        .where(JourneyExercise.phase.in_(tuple(PHASE_DEADLINES)), soon, ~marked)
        .order_by(JourneyExercise.id)
        .limit(limit)
    )
    return [DueExercise(*row) for row in session.execute(statement)]


def mark_reminders(
    session: Session, *, due: list[DueExercise], now: datetime
) -> set[tuple[int, str]]:
    """Mark these reminders sent; returns the (exercise_id, phase) this call marked first."""
    rows = [
        {"team_id": d.team_id, "exercise_id": d.id, "phase": d.phase.value, "sent_at": now}
        for d in due
    ]
    marked = insert_many_ignore(session, JourneyReminder, rows, ["exercise_id", "phase"])
    return {(exercise_id, str(phase)) for exercise_id, phase in marked}


# -- who contributed, who is muted ----------------------------------------------------------
def contributors(
    session: Session, *, team_id: str, exercise_id: int, phase: JourneyPhase
) -> set[str]:
    """Who already did this phase's work: added a moment, a card or rating, or voted."""
    if phase is JourneyPhase.moments:
        statements = [
            select(JourneyMoment.author_id).where(
                JourneyMoment.team_id == team_id, JourneyMoment.exercise_id == exercise_id
            )
        ]
    elif phase is JourneyPhase.columns:
        statements = [
            select(JourneyCard.author_id).where(
                JourneyCard.team_id == team_id,
                JourneyCard.exercise_id == exercise_id,
                JourneyCard.deleted_at.is_(None),
            ),
            select(JourneyFeeling.user_id).where(
                JourneyFeeling.team_id == team_id, JourneyFeeling.exercise_id == exercise_id
            ),
        ]
    elif phase is JourneyPhase.vote:
        statements = [
            select(JourneyVote.voter_id).where(
                JourneyVote.team_id == team_id, JourneyVote.exercise_id == exercise_id
            )
        ]
    else:
        return set()
    found: set[str] = set()
    for statement in statements:
        found.update(session.scalars(statement.distinct()))
    return found


def mute(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    return insert_ignore(
        session, JourneyMute, {"team_id": team_id, "user_id": user_id, "created_at": now}
    )


def unmute(session: Session, *, team_id: str, user_id: str) -> bool:
    result = session.execute(
        delete(JourneyMute).where(JourneyMute.team_id == team_id, JourneyMute.user_id == user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def muted_among(session: Session, *, team_id: str, user_ids: Iterable[str]) -> set[str]:
    users = list(user_ids)
    if not users:
        return set()
    statement = select(JourneyMute.user_id).where(
        JourneyMute.team_id == team_id, JourneyMute.user_id.in_(users)
    )
    return set(session.scalars(statement))
