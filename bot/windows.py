"""Promise windows and business time: pure arithmetic, no Slack, no database, no hidden clock.

A promise has a window ("acknowledge within 4h") and, optionally, business hours during which
alone its clock runs. Every function here takes the moments it needs (`start`, `at`, `now`)
explicitly; callers get them from `bot.clock.Clock`. Datetimes are timezone-aware: any aware
value is accepted, naive ones are refused, and every datetime returned is in UTC.

How a business day is counted (the rules the tests hold the code to):

- A day is open when its local date (in the hours' time zone) falls on one of `weekdays` and is
  not a public holiday of `holiday_country` (observed days included, as the `holidays` package
  lists them; for years it has no data for, only the holidays it does list count).
- An open day's business time runs from the moment the local clock first shows `opens` (or a
  later time) to the moment it first shows `closes` (or a later time). So:
  - when `opens` does not exist that day (clocks jump forward over it), the day opens at the
    jump, the first instant that exists after it; a skipped `closes` closes the day at the jump;
  - when clocks go back over `opens` or `closes`, the first of the two moments counts (PEP 495
    `fold=0`), and an hour lived twice inside the hours is counted twice, as it was worked.
- Hours are within one local day: `opens < closes`, or `closes == time(0)` for "until
  midnight". Night shifts over midnight are not supported.
- The window is elapsed time, never calendar arithmetic: `24h` without business hours is 24 real
  hours even across a DST change.
- A deadline that lands exactly on a closing time is that closing time, not the next opening.
- The arithmetic steps one local day at a time (never minute by minute) and looks at most
  HORIZON_DAYS ahead: hours that open too rarely for a window raise `WindowError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.i18n import N_

MIN_WINDOW = timedelta(seconds=10)
MAX_WINDOW = timedelta(days=30)
DEFAULT_NUDGE_FRACTION = 0.75
# A deadline is searched for at most this many calendar days ahead: a 30-day window in hours
# open one day a week takes under two years; ten years only stops configurations that barely
# open at all (a minute a week) from looping for long.
HORIZON_DAYS = 3653

_MIDNIGHT = time(0)


class WindowError(Exception):
    """A window or business-hours rule refused the input.

    `message` is an English msgid to translate and format with `values`.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values


# --- windows as typed: "10s", "30m", "4h", "24h", "2d" --------------------------------------

# Unit words, longest first so "min" wins over "m"; "j" is the French "jour".
_UNITS: dict[str, int] = {"min": 60, "s": 1, "m": 60, "h": 3600, "d": 86400, "j": 86400}
_PART = re.compile(r"([0-9]+)(min|[smhdj])")
_MAX_DIGITS = 9  # far above 30 days in seconds; keeps int() on typed text cheap


def parse_window(text: str) -> timedelta:
    """Read a window such as `10s`, `30m`, `4h`, `24h`, `2d` or `1h30m`.

    Args:
        text: what the person typed; case does not matter, spaces around it are ignored.

    Returns:
        The window, from 10 seconds to 30 days inclusive.

    Raises:
        WindowError: empty text, an unknown unit, a unit given twice or out of order, or a
            window outside 10 seconds … 30 days.
    """
    typed = text.strip()
    if not typed:
        raise WindowError(N_("Give the window as a number and a unit, such as 10s, 30m, 4h or 2d."))
    folded = typed.casefold()
    seconds = 0
    position = 0
    last_unit_size: int | None = None
    unreadable = WindowError(
        N_(
            "I can't read the window `{text}`: write a whole number and a unit, "
            "such as 10s, 30m, 4h or 2d."
        ),
        text=typed,
    )
    while position < len(folded):
        match = _PART.match(folded, position)
        if match is None:
            raise unreadable
        digits, unit = match.groups()
        size = _UNITS[unit]
        if last_unit_size is not None and size >= last_unit_size:
            raise unreadable  # "30m2h", "1h1h": units go from the largest down, once each
        last_unit_size = size
        digits = digits.lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS:
            raise WindowError(N_("The window `{text}` is too long: 30 days at most."), text=typed)
        seconds += int(digits) * size
        position = match.end()
    window = timedelta(seconds=seconds)
    if window < MIN_WINDOW:
        raise WindowError(N_("The window `{text}` is too short: 10 seconds at least."), text=typed)
    if window > MAX_WINDOW:
        raise WindowError(N_("The window `{text}` is too long: 30 days at most."), text=typed)
    return window


def window_text(window: timedelta) -> str:
    """The canonical short form of a window: `10s`, `90m`, `4h`, `24h`, `2d`.

    Days are used from two whole days up, so the common "24 hours" promise stays `24h`;
    otherwise the largest unit that divides the window exactly. `parse_window` reads it back.

    Raises:
        ValueError: a negative window or one that is not a whole number of seconds.
    """
    if window < timedelta(0) or window.microseconds:
        raise ValueError(f"not a whole, non-negative number of seconds: {window!r}")
    seconds = int(window.total_seconds())
    if seconds and seconds % 86400 == 0 and seconds >= 2 * 86400:
        return f"{seconds // 86400}d"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


# --- business hours -----------------------------------------------------------------------


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA time zone named `name`, or None when it is missing or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays (observed days included) of one country, or subdivision, for one year."""
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(calendar.keys())


def _subdivision(country: str, subdivision: str | None) -> str | None:
    """The subdivision code as the `holidays` package knows it ("ca" -> "CA")."""
    candidates = (
        [None] if subdivision is None else [subdivision.strip(), subdivision.strip().upper()]
    )
    error: NotImplementedError | None = None
    for candidate in candidates:
        try:
            holidays.country_holidays(country, subdiv=candidate)
        except NotImplementedError as refused:
            error = error or refused
        else:
            return candidate
    raise ValueError(str(error)) from error


@dataclass(frozen=True)
class BusinessHours:
    """When a promise's clock runs: a time zone, weekdays, opening hours and public holidays.

    Args:
        timezone: IANA name, e.g. "Europe/Paris".
        weekdays: open days, 0 = Monday … 6 = Sunday; at least one.
        opens: local opening time (naive `time`).
        closes: local closing time, after `opens`; `time(0)` means midnight at the end of the
            day. Hours never cross midnight.
        holiday_country: ISO 3166 code whose public holidays are closed days, e.g. "FR".
        holiday_subdivision: a subdivision code of that country as the `holidays` package
            names it (e.g. "CA" for California), for regional holidays.

    Raises:
        ValueError: an unknown time zone, country or subdivision, no weekday, or hours that do
            not fit in one day.
    """

    timezone: str
    weekdays: frozenset[int] = field(default=frozenset(range(5)))
    opens: time = time(9)
    closes: time = time(17)
    holiday_country: str | None = None
    holiday_subdivision: str | None = None

    def __post_init__(self) -> None:
        if zone_or_none(self.timezone) is None:
            raise ValueError(f"unknown time zone {self.timezone!r}")
        weekdays = frozenset(self.weekdays)
        if not weekdays:
            raise ValueError("business hours need at least one open weekday")
        if not weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday): {sorted(weekdays)}")
        object.__setattr__(self, "weekdays", weekdays)
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opening hours are local times, without a time zone")
        if self.closes != _MIDNIGHT and self.opens >= self.closes:
            raise ValueError(f"opening {self.opens} must come before closing {self.closes}")
        if self.holiday_subdivision is not None and self.holiday_country is None:
            raise ValueError("a holiday subdivision needs a holiday country")
        if self.holiday_country is not None:
            country = self.holiday_country.strip().upper()
            object.__setattr__(self, "holiday_country", country)
            object.__setattr__(
                self, "holiday_subdivision", _subdivision(country, self.holiday_subdivision)
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def in_timezone(self, timezone: str) -> BusinessHours:
        """The same weekdays, hours and holidays, read on another local clock."""
        return replace(self, timezone=timezone)

    def is_open_day(self, day: date) -> bool:
        """Whether a local date is a business day (a listed weekday and not a holiday)."""
        if day.weekday() not in self.weekdays:
            return False
        if self.holiday_country is None:
            return True
        return day not in _holiday_dates(self.holiday_country, self.holiday_subdivision, day.year)


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC)


def _first_reached(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the local clock shows `day` `clock` or a later time.

    An existing local time maps to its first occurrence (`fold=0`); a time skipped by a jump
    forward maps to the instant of the jump.
    """
    wanted = datetime.combine(day, clock)
    first_guess = wanted.replace(tzinfo=zone).astimezone(UTC)  # fold=0
    if first_guess.astimezone(zone).replace(tzinfo=None) == wanted:
        return first_guess
    # Skipped: with fold=1 the offset after the jump gives an instant before it, and fold=0
    # one after it. Jumps happen on whole seconds (UTC): search those between the two for the
    # first one whose local time has reached `wanted`.
    before = int(wanted.replace(tzinfo=zone, fold=1).timestamp()) - 1
    after = int(first_guess.timestamp()) + 1
    low, high = min(before, after), max(before, after)
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wanted:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _day_interval(day: date, hours: BusinessHours, zone: ZoneInfo) -> tuple[datetime, datetime]:
    opening = _first_reached(day, hours.opens, zone)
    if hours.closes == _MIDNIGHT:
        closing = _first_reached(day + timedelta(days=1), _MIDNIGHT, zone)
    else:
        closing = _first_reached(day, hours.closes, zone)
    return opening, closing


def _open_intervals(since: datetime, hours: BusinessHours) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals [a, b) in UTC that end after `since`, clipped to start at `since`.

    One step per local date; stops after HORIZON_DAYS days.
    """
    zone = hours.zone
    day = since.astimezone(zone).date()
    # Intervals of earlier dates end when the local clock first reaches this date's midnight,
    # which is at or before `since`: none can be missed by starting here.
    for _ in range(HORIZON_DAYS):
        if hours.is_open_day(day):
            opening, closing = _day_interval(day, hours, zone)
            if closing > since and closing > opening:
                yield max(opening, since), closing
        if day == date.max:
            return
        day += timedelta(days=1)


def _window_does_not_fit(window: timedelta) -> WindowError:
    return WindowError(
        N_("These business hours open too rarely to count a {window} window."),
        window=window_text(window) if not window.microseconds else str(window),
    )


def _never_opens() -> WindowError:
    return WindowError(N_("These business hours never open in the next ten years."))


def is_open(at: datetime, hours: BusinessHours) -> bool:
    """Whether the clock of a promise with these hours runs at `at`."""
    moment = _utc(at, "at")
    for opening, _closing in _open_intervals(moment, hours):
        return opening == moment
    return False


def next_opening(at: datetime, hours: BusinessHours) -> datetime:
    """When the clock next runs: `at` itself when open, else the next opening (UTC).

    Raises:
        WindowError: no opening within HORIZON_DAYS days.
    """
    moment = _utc(at, "at")
    for opening, _closing in _open_intervals(moment, hours):
        return opening
    raise _never_opens()


def deadline(start: datetime, window: timedelta, hours: BusinessHours | None) -> datetime:
    """When `window` of business time has run from `start` (UTC).

    Without business hours the window is elapsed time: `start + window`. With them, the clock
    starts at `start` or the next opening, stops at each closing and resumes at each opening.

    Raises:
        ValueError: a negative window or a naive `start`.
        WindowError: the window does not fit in HORIZON_DAYS days of these hours.
    """
    begin = _utc(start, "start")
    if window < timedelta(0):
        raise ValueError(f"negative window {window!r}")
    if hours is None or window == timedelta(0):
        return begin + window
    remaining = window
    for opening, closing in _open_intervals(begin, hours):
        span = closing - opening
        if remaining <= span:
            return opening + remaining
        remaining -= span
    raise _window_does_not_fit(window)


def business_elapsed(start: datetime, end: datetime, hours: BusinessHours | None) -> timedelta:
    """Business time from `start` to `end`; zero when `end` is not after `start`.

    Without business hours, the elapsed time. One step per local day between the two.
    """
    begin, finish = _utc(start, "start"), _utc(end, "end")
    if finish <= begin:
        return timedelta(0)
    if hours is None:
        return finish - begin
    total = timedelta(0)
    zone = hours.zone
    day = begin.astimezone(zone).date()
    last_day = finish.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        if hours.is_open_day(day):
            opening, closing = _day_interval(day, hours, zone)
            low, high = max(opening, begin), min(closing, finish)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total


def nudge_at(
    start: datetime,
    window: timedelta,
    hours: BusinessHours | None,
    fraction: float = DEFAULT_NUDGE_FRACTION,
) -> datetime:
    """When to nudge: once `fraction` of the window has run in business time (UTC).

    Raises:
        ValueError: `fraction` outside (0, 1].
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"the nudge fraction must be in (0, 1], got {fraction}")
    return deadline(start, window * fraction, hours)


# --- who is at work now -------------------------------------------------------------------


def at_work(now: datetime, member_tz: str | None, hours: BusinessHours | None, dnd: bool) -> bool:
    """Whether a team member can be nudged now.

    The rule: a member in Do Not Disturb is never at work. Otherwise, without business hours
    everyone is. With business hours, the member is at work when `now` falls within the
    promise's weekdays and opening hours read on the member's own local clock (`member_tz`,
    Slack's `tz` from `users.info`, e.g. "Europe/Paris"; never the fixed `tz_offset`, which is
    wrong on the other side of a DST change). The promise's public holidays still apply. A
    missing or unknown `member_tz` falls back to the promise's own time zone.
    """
    if dnd:
        return False
    if hours is None:
        return True
    local_hours = hours if zone_or_none(member_tz) is None else hours.in_timezone(str(member_tz))
    return is_open(now, local_hours)


@dataclass(frozen=True)
class Member:
    """A team member as the at-work rule sees them."""

    user_id: str
    tz: str | None = None
    dnd: bool = False


def pick_people_at_work(
    team: Sequence[Member],
    now: datetime,
    hours: BusinessHours | None,
    rotation_offset: int,
    limit: int = 1,
) -> list[str]:
    """Who to mention in a nudge: up to `limit` members at work, taking turns.

    Those at work are ordered by user id and the turn starts at `rotation_offset` (modulo
    their number), so successive offsets (a promise's nudge count, say) share the load among
    the people present and nobody is picked twice. Never the whole team at once: at most
    `limit` people (default one). An empty list means nobody is at work now.

    Raises:
        ValueError: `limit` below 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    unique = {member.user_id: member for member in team}.values()
    present = sorted(
        (m for m in unique if at_work(now, m.tz, hours, m.dnd)),
        key=_user_id,
    )
    if not present:
        return []
    first = rotation_offset % len(present)
    return [m.user_id for m in present[first:] + present[:first]][:limit]


def _user_id(member: Member) -> str:
    return member.user_id
