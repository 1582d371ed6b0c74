"""Who an alert mentions. Pure.

A nudge or an escalation mentions the team members at work now (their own time zone, the
promise's business hours, not in Do Not Disturb), taking turns, so the same person is not
the one pinged every time; never the whole channel (`@here` and `@channel` are never used).
The requester is never asked to pick up their own request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.windows import BusinessHours, Member, pick_people_at_work

MENTIONS_PER_ALERT = 2


def who_to_mention(
    team: Sequence[Member],
    *,
    now: datetime,
    hours: BusinessHours | None,
    turn: int,
    requester: str | None = None,
    limit: int = MENTIONS_PER_ALERT,
) -> list[str]:
    """Up to `limit` team members at work now, starting at the `turn`-th (the watch's count
    of alerts so far): successive alerts rotate through the people present, `limit` at a
    time, so with four people at work two alerts in a row mention all four."""
    others = [member for member in team if member.user_id != requester]
    return pick_people_at_work(others, now, hours, turn * limit, limit=limit)
