"""Journey exercises: moments of truth, their cards, feelings, votes, mutes and reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Timestamped, UtcDateTime, WorkspaceScoped
from storage.enums import JourneyColumn, JourneyPhase, JourneyTouchpoint, enum_column


class JourneyExercise(WorkspaceScoped, Timestamped, Base):
    """One run of the ritual in one channel; `number` is its `#n` within the channel."""

    __tablename__ = "journey_exercises"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "number"),
        Index("ix_journey_exercises_phase", "phase"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(200))
    persona_name: Mapped[str] = mapped_column(String(100))
    persona_line: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    facilitator_id: Mapped[str] = mapped_column(String(32))
    phase: Mapped[JourneyPhase] = mapped_column(enum_column(JourneyPhase, "phase"))
    moments_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    columns_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    vote_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    phase_changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    votes_per_member: Mapped[int] = mapped_column(Integer)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language the channel's exercise message is written in (its facilitator's).
    locale: Mapped[str] = mapped_column(String(8), default="en")
    message_ts: Mapped[str | None] = mapped_column(String(32))


class JourneyMoment(Base):
    """A moment of truth; `deleted_at` set means deleted (kept a while so it can be undone)."""

    __tablename__ = "journey_moments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("journey_exercises.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    touchpoint: Mapped[JourneyTouchpoint] = mapped_column(
        enum_column(JourneyTouchpoint, "touchpoint")
    )
    note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class JourneyCard(Base):
    """A card in a moment's column; `deleted_at` set means deleted (kept so it can be undone)."""

    __tablename__ = "journey_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("journey_exercises.id", ondelete="CASCADE"), index=True
    )
    moment_id: Mapped[int] = mapped_column(
        ForeignKey("journey_moments.id", ondelete="CASCADE"), index=True
    )
    column: Mapped[JourneyColumn] = mapped_column(enum_column(JourneyColumn, "column"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The promise made from this idea (the channel's watch once it became one), if any.
    promise_id: Mapped[int | None] = mapped_column(Integer)


class JourneyFeeling(Base):
    """One person's rating (-2…+2) of the client's feeling at a moment today."""

    __tablename__ = "journey_feelings"
    __table_args__ = (UniqueConstraint("moment_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("journey_exercises.id", ondelete="CASCADE"), index=True
    )
    moment_id: Mapped[int] = mapped_column(ForeignKey("journey_moments.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    rating: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JourneyBallot(Base):
    """A member's ballot in one exercise: the row a vote locks, so votes never overspend."""

    __tablename__ = "journey_ballots"
    __table_args__ = (UniqueConstraint("exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("journey_exercises.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    spent: Mapped[int] = mapped_column(Integer, default=0)


class JourneyVote(Base):
    """One vote on a tomorrow card; a member may put several on the same card."""

    __tablename__ = "journey_votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("journey_exercises.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("journey_cards.id", ondelete="CASCADE"), index=True
    )
    voter_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JourneyMute(Base):
    """A person who asked for no journey reminders in this workspace."""

    __tablename__ = "journey_mutes"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JourneyReminder(Base):
    """The mark that a phase's reminders were sent: at most once per exercise and phase."""

    __tablename__ = "journey_reminders"
    __table_args__ = (UniqueConstraint("exercise_id", "phase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("journey_exercises.id", ondelete="CASCADE"))
    phase: Mapped[JourneyPhase] = mapped_column(enum_column(JourneyPhase, "phase"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
