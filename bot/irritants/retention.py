"""Retention: copied message text is kept N days (per workspace), then removed; counts stay."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.irritants import config as irritant_config
from storage.repositories import irritants as repo
from storage.repositories.inbox import forget_events_before

# Slack redelivers an event for minutes at most; a day of keys is plenty.
INBOX_KEEP = timedelta(days=1)


def apply_retention(session: Session, *, now: datetime) -> dict[str, int]:
    """Redact text past each workspace's retention; returns {team_id: irritants redacted}."""
    redacted: dict[str, int] = {}
    for team_id in repo.teams_with_text(session):
        config = irritant_config.load(session, team_id=team_id)
        cutoff = now - timedelta(days=config.retention_days)
        ids = repo.redact_older_than(session, team_id=team_id, posted_before=cutoff, now=now)
        if ids:
            redacted[team_id] = len(ids)
    forget_events_before(session, before=now - INBOX_KEEP)
    return redacted
