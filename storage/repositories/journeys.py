"""Queries on journey exercises and what hangs off them; every one filters by team_id.

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
    Irritant,
    JourneyBallot,
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyMute,
    JourneyReminder,
    JourneyVote,
    Promise,
    PromiseVersion,
)
from storage.repositories.upsert import insert_ignore, insert_many_ignore

OPEN_IRRITANT_STATUSES = ("new", "acknowledged")
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


# -- moments --------------------------------------------------------------------------------
def moments(
    session: Session, *, team_id: str, exercise_id: int, with_deleted: bool = False
) -> list[JourneyMoment]:
    statement = select(JourneyMoment).where(
        JourneyMoment.team_id == team_id, JourneyMoment.exercise_id == exercise_id
    )
    if not with_deleted:
        statement = statement.where(JourneyMoment.deleted_at.is_(None))
    return list(session.scalars(statement.order_by(JourneyMoment.position, JourneyMoment.id)))


def get_moment(session: Session, *, team_id: str, moment_id: int) -> JourneyMoment | None:
    statement = select(JourneyMoment).where(
        JourneyMoment.team_id == team_id, JourneyMoment.id == moment_id
    )
    return session.scalars(statement).first()


def move_cards(session: Session, *, team_id: str, from_moment: int, to_moment: int) -> None:
    session.execute(
        update(JourneyCard)
        .where(JourneyCard.team_id == team_id, JourneyCard.moment_id == from_moment)
        .values(moment_id=to_moment)
    )
    session.execute(
        update(Irritant)
        .where(Irritant.team_id == team_id, Irritant.moment_id == from_moment)
        .values(moment_id=to_moment)
    )


# -- cards and feelings ---------------------------------------------------------------------
def cards(session: Session, *, team_id: str, exercise_id: int) -> list[JourneyCard]:
    statement = (
        select(JourneyCard)
        .where(
            JourneyCard.team_id == team_id,
            JourneyCard.exercise_id == exercise_id,
            JourneyCard.deleted_at.is_(None),
        )
        .order_by(JourneyCard.id)
    )
    return list(session.scalars(statement))


def has_card(
    session: Session, *, team_id: str, moment_id: int, column: str, author_id: str, text: str
) -> bool:
    statement = select(JourneyCard.id).where(
        JourneyCard.team_id == team_id,
        JourneyCard.moment_id == moment_id,
        JourneyCard.column == column,
        JourneyCard.author_id == author_id,
        JourneyCard.text == text,
        JourneyCard.deleted_at.is_(None),
    )
    return session.scalar(statement.limit(1)) is not None


def get_card(session: Session, *, team_id: str, card_id: int) -> JourneyCard | None:
    """The card, deleted or not (an undo reads a deleted one)."""
    statement = select(JourneyCard).where(JourneyCard.team_id == team_id, JourneyCard.id == card_id)
    return session.scalars(statement).first()


def vote_counts(session: Session, *, team_id: str, exercise_id: int) -> dict[int, int]:
    statement = (
        select(JourneyVote.card_id, func.count())
        .where(JourneyVote.team_id == team_id, JourneyVote.exercise_id == exercise_id)
        .group_by(JourneyVote.card_id)
    )
    return {card_id: count for card_id, count in session.execute(statement)}


def my_votes(session: Session, *, team_id: str, exercise_id: int, user_id: str) -> dict[int, int]:
    statement = (
        select(JourneyVote.card_id, func.count())
        .where(
            JourneyVote.team_id == team_id,
            JourneyVote.exercise_id == exercise_id,
            JourneyVote.voter_id == user_id,
        )
        .group_by(JourneyVote.card_id)
    )
    return {card_id: count for card_id, count in session.execute(statement)}


def feelings(session: Session, *, team_id: str, exercise_id: int) -> dict[int, list[int]]:
    statement = select(JourneyFeeling.moment_id, JourneyFeeling.rating).where(
        JourneyFeeling.team_id == team_id, JourneyFeeling.exercise_id == exercise_id
    )
    found: dict[int, list[int]] = {}
    for moment_id, rating in session.execute(statement):
        found.setdefault(moment_id, []).append(rating)
    return found


def rate(
    session: Session,
    *,
    team_id: str,
    exercise_id: int,
    moment_id: int,
    user_id: str,
    rating: int,
    now: datetime,
) -> None:
    """One rating per person per moment: a second one replaces the first."""
    values = {
        "team_id": team_id,
        "exercise_id": exercise_id,
        "moment_id": moment_id,
        "user_id": user_id,
        "rating": rating,
        "rated_at": now,
    }
    if not insert_ignore(session, JourneyFeeling, values):
        session.execute(
            update(JourneyFeeling)
            .where(
                JourneyFeeling.team_id == team_id,
                JourneyFeeling.moment_id == moment_id,
                JourneyFeeling.user_id == user_id,
            )
            .values(rating=rating, rated_at=now)
        )


# -- ballots and votes ----------------------------------------------------------------------
def locked_ballot(
    session: Session, *, team_id: str, exercise_id: int, user_id: str
) -> JourneyBallot:
    """The member's ballot, created if needed and locked until commit.

    Two clicks of one person run one after the other from here (FOR UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), so `spent` is never read stale.
    """
    insert_ignore(
        session,
        JourneyBallot,
        {"team_id": team_id, "exercise_id": exercise_id, "user_id": user_id, "spent": 0},
    )
    statement = (
        select(JourneyBallot)
        .where(
            JourneyBallot.team_id == team_id,
            JourneyBallot.exercise_id == exercise_id,
            JourneyBallot.user_id == user_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    ballot = session.scalars(statement).first()
    assert ballot is not None, "inserted just above or already there"
    return ballot


def spent(session: Session, *, team_id: str, exercise_id: int, user_id: str) -> int:
    statement = select(JourneyBallot.spent).where(
        JourneyBallot.team_id == team_id,
        JourneyBallot.exercise_id == exercise_id,
        JourneyBallot.user_id == user_id,
    )
    return int(session.scalar(statement) or 0)


def add_vote(
    session: Session, *, team_id: str, exercise_id: int, card_id: int, voter_id: str, now: datetime
) -> None:
    session.add(
        JourneyVote(
            team_id=team_id,
            exercise_id=exercise_id,
            card_id=card_id,
            voter_id=voter_id,
            created_at=now,
        )
    )


def take_back_vote(session: Session, *, team_id: str, card_id: int, voter_id: str) -> bool:
    statement = (
        select(JourneyVote.id)
        .where(
            JourneyVote.team_id == team_id,
            JourneyVote.card_id == card_id,
            JourneyVote.voter_id == voter_id,
        )
        .order_by(JourneyVote.id.desc())
        .limit(1)
    )
    vote_id = session.scalar(statement)
    if vote_id is None:
        return False
    session.execute(delete(JourneyVote).where(JourneyVote.id == vote_id))
    return True


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
