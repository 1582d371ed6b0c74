"""Slack installations (one per workspace and installer) and OAuth states."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Timestamped, UtcDateTime, WorkspaceScoped


class Installation(WorkspaceScoped, Timestamped, Base):
    """An OAuth installation. Token columns hold Fernet ciphertext, never a token.

    `team_id` is "" for an org-wide Enterprise Grid install, which has no team.
    """

    __tablename__ = "installations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    app_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_url: Mapped[str | None] = mapped_column(String(300))
    team_name: Mapped[str | None] = mapped_column(String(200))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    bot_token_encrypted: Mapped[str | None] = mapped_column(Text)
    bot_refresh_token_encrypted: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str] = mapped_column(String(32))
    user_token_encrypted: Mapped[str | None] = mapped_column(Text)
    user_refresh_token_encrypted: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    user_scopes: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_url_encrypted: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(String(32))
    token_type: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OAuthState(Base):
    """A one-time `state` handed to the browser at /slack/install (CSRF protection)."""

    __tablename__ = "oauth_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(200), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
