"""What every workspace has whatever the features: its installation, inbox and outbox, who is
in which channel, and the language and time zone of its channels."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.features import Feature
from bot.scheduler import Job
from storage.base import Base
from storage.models import (
    ChannelMember,
    ChannelSync,
    InboundEvent,
    Installation,
    LocaleSetting,
    OutboxMessage,
)
from storage.repositories.installations import purge_expired_states
from storage.repositories.workspaces import purge_workspace


def _purge_oauth_states(session: Session, now: datetime) -> int:
    return purge_expired_states(session, now=now)


PLATFORM = Feature(
    name="platform",
    tenant_tables=(
        OutboxMessage,
        InboundEvent,
        ChannelMember,
        ChannelSync,
        LocaleSetting,
        Installation,
    ),
    jobs=(Job("purge-oauth-states", timedelta(hours=1), _purge_oauth_states),),
)


def forget_workspace(
    session: Session,
    *,
    team_id: str,
    tables: tuple[type[Base], ...],
    keep_installations: bool = False,
) -> dict[str, int]:
    """Delete every row the workspace owns in `tables`; returns counts per table."""
    return purge_workspace(
        session, team_id=team_id, tables=tables, keep_installations=keep_installations
    )
