"""Client requests in watched channels: when they came, when they are due, how they ended.

The due-work scan reads `next_check_at` through a partial index holding only the requests
that still need looking at (open, not yet escalated), so its cost grows with what is due and
not with the history kept for digests and exports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, WorkspaceScoped
from storage.enums import AcknowledgedHow, RequestStatus, enum_column

DUE_WHERE = "next_check_at IS NOT NULL"
OPEN_WHERE = "status = 'open'"


class ClientRequest(WorkspaceScoped, Base):
    __tablename__ = "client_requests"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "ts"),
        Index(
            "ix_client_requests_due",
            "next_check_at",
            sqlite_where=text(DUE_WHERE),
            postgresql_where=text(DUE_WHERE),
        ),
        # The requester's latest request in a channel (grouping and follow-ups).
        Index("ix_client_requests_requester", "team_id", "channel_id", "requester", "created_at"),
        Index("ix_client_requests_listing", "team_id", "channel_id", "created_at"),
        # A digest's weeks: what fell due, and what was acknowledged, in a span of one channel.
        Index("ix_client_requests_due_week", "team_id", "channel_id", "due_at"),
        Index("ix_client_requests_acknowledged", "team_id", "channel_id", "acknowledged_at"),
        # The home tab: what still waits, per channel and oldest first (open requests only,
        # a small index whatever the history); its week's deadlines use `due_week` above.
        Index(
            "ix_client_requests_open",
            "team_id",
            "channel_id",
            "created_at",
            sqlite_where=text(OPEN_WHERE),
            postgresql_where=text(OPEN_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The promise (and its version in force when the request arrived) it is measured against.
    promise_id: Mapped[int] = mapped_column(Integer)
    promise_version_id: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    requester: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)  # kept as long as the retention says
    permalink: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_message_at: Mapped[datetime] = mapped_column(UtcDateTime())
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    nudge_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the scheduler should look at it next; NULL once nothing more can be due.
    next_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    nudged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "status"), default=RequestStatus.open
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_how: Mapped[AcknowledgedHow | None] = mapped_column(
        enum_column(AcknowledgedHow, "acknowledged_how")
    )
    breached: Mapped[bool] = mapped_column(Boolean, default=False)
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dismissed_by: Mapped[str | None] = mapped_column(String(32))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    text_redacted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
