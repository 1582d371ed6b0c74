"""The watch a request is measured against, read from the promises' storage.

The one place the watcher reads promises: everything else takes a `Watch`. A request is
measured against the version of the channel's response-time promise in force when it arrived,
and keeps pointing at that version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.watcher.rules import WatchTerms
from bot.windows import Member


@dataclass(frozen=True)
class Watch:
    promise_id: int
    version_id: int
    channel_id: str
    owner: str  # who made this version: escalations DM them
    text: str  # the promise as the team wrote it
    terms: WatchTerms
    members: tuple[Member, ...]  # the team, with their Slack time zones when known
    alert_channel_id: str | None  # None: alerts go in the request's thread


def in_force(session: Session, *, team_id: str, channel_id: str, at: datetime) -> Watch | None:
    """The channel's watch as it stood at `at`, or None when the channel is not watched."""
    return None


def by_version(session: Session, *, team_id: str, version_id: int) -> Watch | None:
    """The watch as one version of its promise stated it."""
    return None
