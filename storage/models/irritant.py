"""Irritants captured from Slack messages, their reporters (votes) and status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Timestamped, UtcDateTime, WorkspaceScoped
from storage.enums import IrritantEventKind, IrritantStatus, TextStatus, enum_column


class Irritant(WorkspaceScoped, Timestamped, Base):
    """One client pain point, keyed by the Slack message it was captured from."""

    __tablename__ = "irritants"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts"),
        Index("ix_irritants_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    message_author_id: Mapped[str | None] = mapped_column(String(32))
    message_text: Mapped[str | None] = mapped_column(Text)
    text_status: Mapped[TextStatus] = mapped_column(
        enum_column(TextStatus, "text_status"), default=TextStatus.pending
    )
    permalink: Mapped[str | None] = mapped_column(String(500))
    message_posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    category: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[IrritantStatus] = mapped_column(
        enum_column(IrritantStatus, "status"), default=IrritantStatus.new
    )
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # The bot's reply in the message's thread that marked it resolved; deleted on Reopen.
    resolution_reply_ts: Mapped[str | None] = mapped_column(String(32))
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A later issue links irritants to a moment of truth of a journey exercise.
    moment_id: Mapped[int | None] = mapped_column(Integer)


class IrritantVote(Base):
    """One reporter's gesture: a reaction (one row per emoji) or the shortcut."""

    __tablename__ = "irritant_votes"
    __table_args__ = (UniqueConstraint("irritant_id", "user_id", "via"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    irritant_id: Mapped[int] = mapped_column(ForeignKey("irritants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    via: Mapped[str] = mapped_column(String(100))  # emoji name, or "shortcut"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IrritantNote(Base):
    """One reporter's own note on an irritant; each version is also kept in the history."""

    __tablename__ = "irritant_notes"
    __table_args__ = (UniqueConstraint("irritant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    irritant_id: Mapped[int] = mapped_column(ForeignKey("irritants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IrritantEvent(Base):
    """The history of an irritant: every report, status change and redaction, with who and when."""

    __tablename__ = "irritant_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    irritant_id: Mapped[int] = mapped_column(
        ForeignKey("irritants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[IrritantEventKind] = mapped_column(enum_column(IrritantEventKind, "kind"))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
