"""A channel's weekly digest: when it is due, and which week was sent last.

`next_due_at` is the UTC instant of the next occurrence, recomputed from the local schedule
after each send (so the digest stays at 09:00 local across DST). The due scan reads it through
a partial index of the enabled rows, so one tick costs what is due, not the number of channels.
`last_sent_for` names the week sent last (its due instant): the conditional update on it is
what makes a digest go out once across restarts and replicas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Timestamped, UtcDateTime, WorkspaceScoped

DUE_WHERE = "enabled"


class ChannelDigest(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "channel_digests"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("at_minute BETWEEN 0 AND 1439", name="at_minute"),
        Index(
            "ix_channel_digests_due",
            "next_due_at",
            sqlite_where=text(DUE_WHERE),
            postgresql_where=text(DUE_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer)  # Monday = 0
    at_minute: Mapped[int] = mapped_column(Integer)  # minutes after local midnight
    timezone: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_sent_for: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
