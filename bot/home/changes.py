"""What keeps a home tab current: a change in a channel queues one refresh per viewer.

Features call `channels_changed` in the transaction of a change the home shows (a request
arrived, acknowledged or dismissed, an irritant reported or resolved, an exercise's phase
moved). Only people who opened the tab are refreshed (`home_viewers`), only those who may see
the channel (its cached members; admins see every channel), and each has at most one refresh
waiting: the first change queues it, the next ones are shown by it. A refresh waits
`SETTLE` for a burst to end, and goes out at least `MIN_GAP` after the person's last publish,
so a busy channel costs each viewer at most one `views.publish` per `MIN_GAP`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import outbox
from bot.home.outbox import REFRESH, HomeRefresh
from bot.tenancy import Workspace
from storage.repositories import home as repo

SETTLE = timedelta(seconds=3)
MIN_GAP = timedelta(seconds=30)


def refresh_at(now: datetime, last_published: datetime | None) -> datetime:
    """When a refresh queued at `now` goes out: after the burst, and `MIN_GAP` after the last."""
    due = now + SETTLE
    if last_published is not None:
        due = max(due, last_published + MIN_GAP)
    return due


def channels_changed(
    session: Session, *, ws: Workspace, channel_ids: Collection[str], now: datetime
) -> int:
    """Queue a refresh for each viewer of these channels who has none waiting; how many."""
    flagged = repo.mark_for_refresh(session, team_id=ws.team_id, channel_ids=channel_ids)
    for user_id, enterprise_id, last_published in flagged:
        outbox.enqueue(
            session,
            ws=Workspace(ws.team_id, ws.enterprise_id or enterprise_id),
            kind=REFRESH,
            payload=HomeRefresh(user_id=user_id),
            now=now,
            delay=refresh_at(now, last_published) - now,
        )
    return len(flagged)


def exercises_changed(session: Session, *, exercise_ids: list[int], now: datetime) -> int:
    """`channels_changed` for exercises the scheduler moved (they may span workspaces)."""
    by_team: dict[str, set[str]] = {}
    for team_id, channel_id in repo.exercise_channels(session, exercise_ids=exercise_ids):
        by_team.setdefault(team_id, set()).add(channel_id)
    return sum(
        channels_changed(session, ws=Workspace(team_id), channel_ids=channels, now=now)
        for team_id, channels in by_team.items()
    )
