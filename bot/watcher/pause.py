"""A watch pauses while the bot is out of a channel it needs, and resumes when it is back.

The bot needs two channels: the one it watches (without it, no message or reaction event
arrives, so it would nudge about requests that were answered) and the team channel its
alerts go to, if the watch names one. Slack says the bot left (`channel_left`, `group_left`,
`member_left_channel`) or refuses an alert (`not_in_channel`, `channel_not_found`,
`is_archived`); either pauses every watch needing that channel, and tells each owner once.
The bot joining that channel again (`member_joined_channel`) resumes them.

The requests' clocks keep running during a pause: the client waited whether or not the bot
was there, so `due_at` does not move and a request past it is breached. What changes is
what the bot says. Nothing is sent while paused, and on resuming, the alerts that fell due
meanwhile are not sent late: the bot did not see the replies and reactions of the pause, so
a late nudge could well be about a request someone already answered. The owner's "resumed"
message counts those requests and points to `/journey requests`; requests whose nudge or
deadline is still ahead keep their schedule.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.tenancy import Workspace
from bot.watcher.outbox import WATCH_PAUSED, WATCH_RESUMED, PauseNotice, ResumeNotice
from storage.models import ClientRequest
from storage.repositories import watch_pauses as repo

REASON_LENGTH = 32


def on_bot_presence(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    present: bool,
    reason: str,
    now: datetime,
) -> None:
    """The feature's subscriber to the bot leaving or joining a channel."""
    if present:
        resume(session, ws=ws, channel_id=channel_id, now=now)
    else:
        pause(session, ws=ws, channel_id=channel_id, reason=reason, now=now)


def pause(session: Session, *, ws: Workspace, channel_id: str, reason: str, now: datetime) -> int:
    """Pause the watches that need the bot in `channel_id`; returns how many were paused now
    (a watch already paused is left as it is: its owner was told once)."""
    paused = 0
    for promise, version in repo.needing_channel(
        session, team_id=ws.team_id, channel_id=channel_id
    ):
        if promise.paused_at is not None:
            continue
        promise.paused_at = now
        promise.paused_channel_id = channel_id
        promise.pause_reason = reason[:REASON_LENGTH]
        repo.unschedule_open(session, team_id=ws.team_id, promise_id=promise.id)
        notice = PauseNotice(
            owner=version.made_by,
            watched_channel=promise.channel_id,
            missing_channel=channel_id,
            reason=reason[:REASON_LENGTH],
        )
        outbox.enqueue(session, ws=ws, kind=WATCH_PAUSED, payload=notice, now=now)
        paused += 1
    return paused


def resume(session: Session, *, ws: Workspace, channel_id: str, now: datetime) -> int:
    """Resume the watches paused for `channel_id`; returns how many."""
    resumed = 0
    for promise, version in repo.paused_for(session, team_id=ws.team_id, channel_id=channel_id):
        promise.paused_at = None
        promise.paused_channel_id = None
        promise.pause_reason = None
        missed = sum(
            _reschedule(request, now)
            for request in repo.open_of(session, team_id=ws.team_id, promise_id=promise.id)
        )
        notice = ResumeNotice(
            owner=version.made_by,
            watched_channel=promise.channel_id,
            channel=channel_id,
            missed=missed,
        )
        outbox.enqueue(session, ws=ws, kind=WATCH_RESUMED, payload=notice, now=now)
        resumed += 1
    return resumed


def _reschedule(request: ClientRequest, now: datetime) -> bool:
    """Put an open request back on the scan at its next step still ahead; True when an alert
    fell due during the pause (it is skipped, not sent late)."""
    if request.escalated_at is not None:
        request.next_check_at = None  # nothing more was owed
        return False
    if request.nudged_at is None and request.nudge_at > now:
        request.next_check_at = request.nudge_at
        return False
    if request.due_at > now:
        request.next_check_at = request.due_at
        return request.nudged_at is None
    # Past its deadline: breached (the clock ran), but not escalated late.
    request.breached = True
    request.next_check_at = None
    return True
