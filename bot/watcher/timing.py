"""When a request is nudged, when it is breached, and when an alert may go out. Pure.

Both moments are business time from the request's arrival, computed by `bot.windows` (the
one place that knows business hours): the nudge once the nudge point of the window has run,
the breach once the whole window has. Outside business hours nothing is sent: an alert that
fell due while the team was closed goes out when it opens. Without business hours the team
is always open.

A scheduler asks `next_step` what to do for a request now, and when to ask again. An alert
that fell due while the bot was down is sent once it is back; when both the nudge and the
breach fell due meanwhile, only the escalation is sent (two alerts at once would say the
same thing twice), and the nudge is recorded as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.watcher.rules import WatchTerms
from bot.windows import BusinessHours, business_elapsed, deadline, is_open, next_opening
from bot.windows import nudge_at as nudge_point


@dataclass(frozen=True)
class Deadlines:
    nudge_at: datetime
    due_at: datetime


def deadlines(created_at: datetime, terms: WatchTerms) -> Deadlines:
    """When to nudge and when the window passes, for a request that arrived at `created_at`."""
    return Deadlines(
        nudge_at=nudge_point(created_at, terms.window, terms.hours, terms.nudge_fraction),
        due_at=deadline(created_at, terms.window, terms.hours),
    )


def sendable_at(due: datetime, now: datetime, hours: BusinessHours | None) -> datetime:
    """The first moment at or after both `due` and `now` when the team is open."""
    moment = max(due, now)
    return moment if hours is None else next_opening(moment, hours)


class Action(StrEnum):
    nudge = "nudge"
    escalate = "escalate"


@dataclass(frozen=True)
class Step:
    """What to do now (`action`, or None), and when to look again (None: never)."""

    action: Action | None
    wake_at: datetime | None
    skip_nudge: bool = False  # escalating a request that was never nudged


@dataclass(frozen=True)
class Progress:
    """Where a request stands, for the scheduler."""

    nudge_at: datetime
    due_at: datetime
    nudged: bool
    escalated: bool
    closed: bool  # acknowledged, dismissed or withdrawn


def next_step(progress: Progress, now: datetime, hours: BusinessHours | None) -> Step:
    """The alert due now, if the team is open, and when the request needs looking at again."""
    if progress.closed or progress.escalated:
        return Step(action=None, wake_at=None)
    if now >= progress.due_at:
        wanted = Action.escalate
        when = sendable_at(progress.due_at, now, hours)
    elif not progress.nudged and now >= progress.nudge_at:
        wanted = Action.nudge
        when = sendable_at(progress.nudge_at, now, hours)
    else:
        upcoming = progress.due_at if progress.nudged else progress.nudge_at
        return Step(action=None, wake_at=sendable_at(upcoming, now, hours))
    if when > now:
        return Step(action=None, wake_at=when)
    if wanted is Action.escalate:
        return Step(action=wanted, wake_at=None, skip_nudge=not progress.nudged)
    return Step(action=wanted, wake_at=sendable_at(progress.due_at, now, hours))


def is_breached(due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> bool:
    """Whether the promise was broken: acknowledged after the window, or not yet and past it."""
    if acknowledged_at is not None:
        return acknowledged_at > due_at
    return now >= due_at


def time_to_acknowledge(
    created_at: datetime, acknowledged_at: datetime, hours: BusinessHours | None
) -> timedelta:
    """Business time from arrival to acknowledgement (recorded even after a breach)."""
    return business_elapsed(created_at, acknowledged_at, hours)


def still_open(now: datetime, hours: BusinessHours | None) -> bool:
    """Whether alerts may be sent now."""
    return hours is None or is_open(now, hours)
