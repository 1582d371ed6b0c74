"""Per-workspace configuration and the inbound-event inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, WorkspaceScoped
from storage.enums import ResolvedMark, enum_column


class WorkspaceSettings(WorkspaceScoped, Base):
    """What a workspace's admins chose; absent row = the defaults in bot/workspace_settings.py."""

    __tablename__ = "workspace_settings"
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    irritant_emojis: Mapped[list[str]] = mapped_column(JSON)  # emoji names, in order
    categories: Mapped[list[str]] = mapped_column(JSON)  # category names, in order
    retention_days: Mapped[int] = mapped_column(Integer)
    resolved_mark: Mapped[ResolvedMark] = mapped_column(enum_column(ResolvedMark, "resolved_mark"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(32))


class InboundEvent(Base):
    """Every Events API delivery we kept: the unique key makes retries and duplicates no-ops."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
