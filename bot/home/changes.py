"""What keeps a home tab current: a change in a channel queues one refresh per viewer.

Features call `channels_changed` in the transaction of a change the home shows (a request
arrived, acknowledged or dismissed, an irritant reported or resolved, an exercise's phase
moved). Only people who opened the tab are refreshed (`home_viewers`), only those who may see
the channel (its cached members; admins see every channel), and each has at most one refresh
waiting: the first change queues it, the next ones are shown by it. A refresh waits
`SETTLE` for a burst to end, and goes out at least `MIN_GAP` after the person's last publish,
so a busy channel costs each viewer at most one `views.publish` per `MIN_GAP`.

The viewers are flagged when the transaction commits, not when the change is made: their rows
are then the last locks a transaction takes (in id order), so two transactions ingesting
messages of one workspace never wait on each other in a cycle, a transaction that rolls back
queues nothing, and a transaction that touched many workspaces (the scheduler's) looks for
their viewers in one statement.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot import outbox
from bot.home.outbox import REFRESH, HomeRefresh
from bot.tenancy import Workspace
from storage.repositories import home as repo

SETTLE = timedelta(seconds=3)
MIN_GAP = timedelta(seconds=30)
_PENDING = "home_changes"  # in `session.info`: {(team, enterprise): (channels, latest now)}


def refresh_at(now: datetime, last_published: datetime | None) -> datetime:
    """When a refresh queued at `now` goes out: after the burst, and `MIN_GAP` after the last."""
    due = now + SETTLE
    if last_published is not None:
        due = max(due, last_published + MIN_GAP)
    return due


def channels_changed(
    session: Session, *, ws: Workspace, channel_ids: Collection[str], now: datetime
) -> None:
    """Note that these channels changed: their viewers are flagged when the session commits."""
    if not channel_ids:
        return
    pending: dict[tuple[str, str | None], tuple[set[str], datetime]] = session.info.setdefault(
        _PENDING, {}
    )
    key = (ws.team_id, ws.enterprise_id)
    channels, latest = pending.get(key, (set(), now))
    pending[key] = (channels | set(channel_ids), max(latest, now))


def exercises_changed(session: Session, *, exercise_ids: list[int], now: datetime) -> None:
    """`channels_changed` for exercises the scheduler moved (they may span workspaces)."""
    for team_id, enterprise_id, channel_id in repo.exercise_channels(
        session, exercise_ids=exercise_ids
    ):
        channels_changed(
            session, ws=Workspace(team_id, enterprise_id), channel_ids=[channel_id], now=now
        )


def queue_refreshes(
    session: Session,
    *,
    changed: dict[tuple[str, str | None], tuple[set[str], datetime]],
) -> int:
    """Queue a refresh for each viewer of the changed channels ({(team, enterprise):
    (channels, when)}) who has none waiting; returns how many."""
    channels: dict[str, set[str]] = {}
    when: dict[str, datetime] = {}
    enterprise: dict[str, str | None] = {}
    for (team_id, enterprise_id), (channel_ids, now) in changed.items():
        channels.setdefault(team_id, set()).update(channel_ids)
        when[team_id] = max(now, when.get(team_id, now))
        enterprise[team_id] = enterprise.get(team_id) or enterprise_id
    flagged = repo.mark_for_refresh(session, changed=channels)
    for team_id, user_id, enterprise_id, last_published in flagged:
        now = when[team_id]
        outbox.enqueue(
            session,
            ws=Workspace(team_id, enterprise[team_id] or enterprise_id),
            kind=REFRESH,
            payload=HomeRefresh(user_id=user_id),
            now=now,
            delay=refresh_at(now, last_published) - now,
        )
    return len(flagged)


@event.listens_for(Session, "before_commit")
def _queue_noted_refreshes(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        queue_refreshes(session, changed=pending)


@event.listens_for(Session, "after_rollback")
def _forget_noted_changes(session: Session) -> None:
    session.info.pop(_PENDING, None)
