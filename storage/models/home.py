"""Who opened journeybot's home tab, and whether a refresh of it is already on its way.

A home tab is only ever published again for someone who opened it once (a row here), and at
most one refresh per person waits in the outbox at a time (`refresh_pending`): changes that
happen while one waits are shown by it, so many changes make one `views.publish`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, WorkspaceScoped


class HomeViewer(WorkspaceScoped, Base):
    __tablename__ = "home_viewers"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    # As Slack said when they last opened the tab: admins' homes show every channel, so any
    # change in the workspace refreshes them.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refresh_pending: Mapped[bool] = mapped_column(Boolean, default=False)
