"""What the bot knows of channels: who is in them, and the language and time zone they chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, WorkspaceScoped


class ChannelMember(Base):
    """One person in one channel, as `conversations.members` and member events told us."""

    __tablename__ = "channel_members"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "user_id"),
        Index("ix_channel_members_team_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))


class ChannelSync(WorkspaceScoped, Base):
    """When a channel's member list was last read whole from Slack (absent: never)."""

    __tablename__ = "channel_syncs"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LocaleSetting(WorkspaceScoped, Base):
    """The language and time zone of a channel, or of the workspace when `channel_id` is "".

    One table for both levels: a channel's row overrides the workspace's, which overrides the
    built-in default (English, UTC). An empty string rather than NULL for the workspace row,
    so the unique constraint holds on every backend.
    """

    __tablename__ = "locale_settings"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(32))
