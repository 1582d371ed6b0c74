"""When a channel's weekly digest is due, and which week it covers.

A schedule is a weekday, a wall-clock time and an IANA time zone ("Monday 09:00
Europe/Paris"). The digest stays at 09:00 local across daylight-saving changes, so due times
are computed on the local calendar and converted to UTC one by one, never by adding 7 × 24 h.
A wall time that does not exist on a given day (the hour skipped in spring) moves to the first
instant after the gap; a wall time that happens twice (autumn) is taken the first time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import DomainError
from bot.i18n import N_

# English and French day names and their usual abbreviations, Monday = 0 as in `date.weekday()`.
_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "lundi", "lun"),
        ("tuesday", "tue", "tues", "mardi", "mar"),
        ("wednesday", "wed", "mercredi", "mer"),
        ("thursday", "thu", "thurs", "jeudi", "jeu"),
        ("friday", "fri", "vendredi", "ven"),
        ("saturday", "sat", "samedi", "sam"),
        ("sunday", "sun", "dimanche", "dim"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:h](?P<minute>\d{2})?)?$")
DEFAULT_WEEKDAY = 0
DEFAULT_TIME = time(9, 0)


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """A weekly due time: `weekday` (Monday = 0) at `at` local time in `timezone`."""

    weekday: int
    at: time
    timezone: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday out of range: {self.weekday}")
        if self.at.tzinfo is not None:
            raise ValueError("the wall-clock time must be naive")
        zone_of(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError(
            N_("Unknown time zone. Use a name such as Europe/Paris or America/New_York."),
            field="timezone",
        ) from error


def parse_schedule(text: str, default_timezone: str) -> DigestSchedule:
    """Read `monday 09:00 Europe/Paris` (or `lundi 9h`); missing parts take the defaults."""
    weekday, at, timezone = DEFAULT_WEEKDAY, DEFAULT_TIME, default_timezone
    for word in text.split():
        lowered = word.lower().rstrip(".,")
        if lowered in _DAY_NAMES:
            weekday = _DAY_NAMES[lowered]
        elif match := _TIME.match(lowered):
            at = wall_time(int(match["hour"]), int(match["minute"] or 0))
        elif "/" in word or word.upper() == "UTC":
            timezone = word
        else:
            raise DomainError(
                N_(
                    "I couldn't read the schedule. Write a day, a time and optionally a time "
                    "zone, for example: monday 09:00 Europe/Paris"
                ),
                field="schedule",
            )
    return DigestSchedule(weekday=weekday, at=at, timezone=timezone)


def wall_time(hour: int, minute: int) -> time:
    if hour > 23 or minute > 59:
        raise DomainError(N_("The time must be between 00:00 and 23:59."), field="time")
    return time(hour, minute)


def occurrence(day: date, schedule: DigestSchedule) -> datetime:
    """The UTC instant of the schedule's wall time on the local `day`.

    A wall time skipped by a daylight-saving gap moves to the end of the gap (the first local
    time that exists after it); a wall time that happens twice is taken the first time (fold=0).
    """
    zone = schedule.zone
    wall = datetime.combine(day, schedule.at)
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap. fold=1 reads the wall time with the offset after the change, which lands
    # before the gap; walk forward to the first minute whose local time reaches the wall time.
    probe = wall.replace(tzinfo=zone, fold=1).astimezone(UTC).replace(second=0, microsecond=0)
    while probe.astimezone(zone).replace(tzinfo=None) < wall:
        probe += timedelta(minutes=1)
    return probe


def latest_due_day(now: datetime, schedule: DigestSchedule) -> date:
    """The local day of the most recent occurrence at or before `now`."""
    today = now.astimezone(schedule.zone).date()
    day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    while occurrence(day, schedule) > now:
        day -= timedelta(days=7)
    return day


def latest_due(now: datetime, schedule: DigestSchedule) -> datetime:
    """The most recent due instant at or before `now` (UTC)."""
    return occurrence(latest_due_day(now, schedule), schedule)


def next_due(now: datetime, schedule: DigestSchedule) -> datetime:
    """The first due instant strictly after `now` (UTC)."""
    return occurrence(latest_due_day(now, schedule) + timedelta(days=7), schedule)


@dataclass(frozen=True, slots=True)
class DigestWeek:
    """The seven local days that end when a digest is due: [start, end) in UTC."""

    start: datetime
    end: datetime


def week_before(due_day: date, schedule: DigestSchedule) -> DigestWeek:
    """The week a digest due on the local `due_day` covers: since the previous occurrence."""
    return DigestWeek(
        start=occurrence(due_day - timedelta(days=7), schedule),
        end=occurrence(due_day, schedule),
    )


def weeks_before(due_day: date, schedule: DigestSchedule, count: int) -> list[DigestWeek]:
    """The `count` weeks ending with the one due on `due_day`, oldest first (the trend)."""
    return [
        week_before(due_day - timedelta(days=7 * back), schedule)
        for back in range(count - 1, -1, -1)
    ]


def digest_due_now(
    now: datetime, schedule: DigestSchedule, last_sent_for: datetime | None
) -> datetime | None:
    """The due instant of the digest to send now, or None.

    Only the latest week is ever sent: a digest missed while the bot was down is sent once
    when it comes back if its week is still the latest; a later week's digest replaces it.
    """
    due = latest_due(now, schedule)
    if last_sent_for is not None and last_sent_for >= due:
        return None
    return due
