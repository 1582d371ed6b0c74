"""Queries on what members put on a journey board: moments, cards, feelings, ballots and
votes; every one filters by team_id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Irritant,
    JourneyBallot,
    JourneyCard,
    JourneyFeeling,
    JourneyMoment,
    JourneyVote,
)
from storage.repositories.upsert import insert_ignore


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


# -- what was deleted, once its undo has expired ----------------------------------------------
def purge_deleted(session: Session, *, before: datetime) -> int:
    """Remove, in every workspace, the moments and cards deleted before `before` (a moment's
    cards and ratings go with it; irritants linked to it are unlinked). Returns how many."""
    gone_moments = select(JourneyMoment.id).where(JourneyMoment.deleted_at < before)
    session.execute(
        update(Irritant)
        .where(Irritant.moment_id.in_(gone_moments.scalar_subquery()))
        .values(moment_id=None)
    )
    cards = session.execute(delete(JourneyCard).where(JourneyCard.deleted_at < before))
    moments = session.execute(delete(JourneyMoment).where(JourneyMoment.deleted_at < before))
    return int(getattr(cards, "rowcount", 0) or 0) + int(getattr(moments, "rowcount", 0) or 0)
