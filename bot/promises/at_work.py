"""Who is at work now: a team member's own clock, the promise's business hours, and DND.

Pure: the caller passes the moment (from the injected clock), the members' Slack time zones
(`tz` from `users.info`, cached in storage and refreshed on `user_change`) and their Do Not
Disturb status as `dnd.info` gave it. The watcher uses it to pick whom to nudge;
`/journey watch status` uses it to show who would be nudged now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.windows import BusinessHours, at_work


@dataclass(frozen=True)
class DndStatus:
    """`dnd.info` for another user: whether DND is on, and its next (or current) period.

    Slack shows snoozes only to the user themselves, so for the bot a member is in DND
    while `starts <= now < ends` with `enabled` set.
    """

    enabled: bool = False
    starts: datetime | None = None
    ends: datetime | None = None

    @classmethod
    def from_slack(cls, answer: Mapping[str, object]) -> DndStatus:
        """Read `dnd.info`'s answer (`dnd_enabled`, `next_dnd_start_ts`, `next_dnd_end_ts`)."""

        def moment(key: str) -> datetime | None:
            value = answer.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                return datetime.fromtimestamp(value, UTC)
            return None

        return cls(
            enabled=answer.get("dnd_enabled") is True,
            starts=moment("next_dnd_start_ts"),
            ends=moment("next_dnd_end_ts"),
        )

    def active(self, now: datetime) -> bool:
        if not self.enabled or self.starts is None or self.ends is None:
            return False
        return self.starts <= now < self.ends


def who_is_at_work(
    now: datetime,
    team: Sequence[str],
    *,
    timezones: Mapping[str, str | None],
    dnd: Mapping[str, DndStatus],
    hours: BusinessHours | None,
) -> list[str]:
    """The team members at work at `now`, by user id, each once.

    At work: not in DND, and, when the promise has business hours, within its weekdays and
    opening hours read on the member's own clock (their Slack `tz`; the promise's own zone
    when Slack has none for them). Public holidays of the promise apply to everyone.
    """
    present = {
        user_id
        for user_id in team
        if at_work(
            now,
            timezones.get(user_id),
            hours,
            (dnd.get(user_id) or DndStatus()).active(now),
        )
    }
    return sorted(present)
