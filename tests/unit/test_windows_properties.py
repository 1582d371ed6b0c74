"""Business time over every time zone and DST change, checked against a minute-stepping oracle.

The oracle below shares nothing with `bot.windows` but the `holidays` data: it walks UTC minute
by minute, reads each minute on the local wall clock, and decides whether the minute is open
from the weekday, the holiday list and the opening hours directly. The one subtlety is what
"09:00" means on a day when clocks jump or go back: the documented rule is that the day opens
the first moment the wall clock has shown 09:00 or later, and closes likewise. The oracle keeps
the latest local date and time the walk has seen (the clock's high-water mark) and asks the
question of that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import holidays
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.windows import BusinessHours, business_elapsed, deadline, is_open, nudge_at

# India's lunar holidays are only listed for 2001–2035; the fixed ones still count.
pytestmark = pytest.mark.filterwarnings("ignore:Requested Holidays are available only")

ZONES = sorted(available_timezones() - {"localtime"})  # "localtime" is this machine's setting
COUNTRIES = [None, None, None, "FR", "US", "GB", "DE", "JP", "BR", "NZ", "IL", "IN"]
MINUTE = timedelta(minutes=1)
FIRST_MINUTE = datetime(2000, 1, 1, tzinfo=UTC)
LAST_MINUTE = datetime(2037, 12, 31, 23, 59, tzinfo=UTC)
ORACLE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the oracle ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


@dataclass(frozen=True)
class Spec:
    """Business hours as plain numbers, for the oracle; `closes` 1440 means midnight."""

    zone: str
    weekdays: frozenset[int]
    opens: int  # minutes after local midnight
    closes: int
    country: str | None

    def hours(self) -> BusinessHours:
        return BusinessHours(
            self.zone,
            weekdays=self.weekdays,
            opens=time(self.opens // 60, self.opens % 60),
            closes=time(0) if self.closes == 1440 else time(self.closes // 60, self.closes % 60),
            holiday_country=self.country,
        )

    def minutes_per_week(self) -> int:
        return (self.closes - self.opens) * len(self.weekdays)


def oracle_minutes(spec: Spec, start: datetime) -> Iterator[tuple[datetime, bool]]:
    """Each UTC minute from `start` (minute-aligned) with whether the clock runs during it."""
    zone = ZoneInfo(spec.zone)
    high_water: datetime | None = None
    moment = start - timedelta(days=2)  # enough past to know how far the wall clock went
    while True:
        local = moment.astimezone(zone).replace(tzinfo=None)
        assert local.second == 0, "offsets are whole minutes from 2000 on"
        high_water = local if high_water is None or local > high_water else high_water
        if moment >= start:
            day = high_water.date()
            minute_of_day = high_water.hour * 60 + high_water.minute
            runs = (
                day.weekday() in spec.weekdays
                and (spec.country is None or day not in _holidays(spec.country, day.year))
                and spec.opens <= minute_of_day < spec.closes
            )
            yield moment, runs
        moment += MINUTE


def oracle_deadline(spec: Spec, start: datetime, window_minutes: int) -> datetime:
    counted = 0
    for moment, runs in oracle_minutes(spec, start):
        if counted == window_minutes:
            return moment
        counted += runs
    raise AssertionError("unreachable")


def oracle_elapsed(spec: Spec, start: datetime, end: datetime) -> timedelta:
    """Business time from a minute-aligned start to any end, exact to the microsecond."""
    total = timedelta(0)
    for moment, runs in oracle_minutes(spec, start):
        if moment >= end:
            return total
        if runs:
            total += min(MINUTE, end - moment)
    raise AssertionError("unreachable")


# --- strategies ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _offset_changes(zone_name: str, year: int) -> tuple[datetime, ...]:
    """The UTC minutes at which a zone's offset changes in a year (found by bisection)."""
    zone = ZoneInfo(zone_name)
    changes = []
    noon = datetime(year, 1, 1, 12, tzinfo=UTC)
    for day in range(366):
        low, high = noon + timedelta(days=day), noon + timedelta(days=day + 1)
        if low.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
            continue
        while high - low > MINUTE:
            middle = low + (high - low) // 2
            middle = middle.replace(second=0, microsecond=0)
            if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                low = middle
            else:
                high = middle
        changes.append(high)
    return tuple(changes)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Spec, datetime]:
    """Business hours and a minute-aligned start, often placed around a DST change."""
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    year = draw(st.integers(2000, 2037))
    changes = _offset_changes(zone_name, year)
    near_change = bool(changes) and draw(st.integers(0, 3)) > 0
    if near_change:
        change = draw(st.sampled_from(changes))
        start = change + draw(st.integers(-3 * 1440, 1440)) * MINUTE
    else:
        start = datetime(year, 1, 1, tzinfo=UTC) + draw(st.integers(0, 364 * 1440)) * MINUTE
    start = min(max(start, FIRST_MINUTE), LAST_MINUTE)
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    if near_change and draw(st.integers(0, 3)) > 0:
        # Open or close inside the local times the change skips or repeats, or close to them,
        # on the day of the change.
        before, after = (change - MINUTE).astimezone(zone), change.astimezone(zone)
        jump = (after.utcoffset() or timedelta(0)) - (before.utcoffset() or timedelta(0))
        jump_minutes = int(jump / MINUTE)
        low = before.hour * 60 + before.minute + 1 + min(jump_minutes, 0)
        high = low + abs(jump_minutes)  # wall minutes [low, high) are skipped or repeated
        inside = draw(st.integers(0, 3)) > 0
        edge = draw(st.integers(low, high - 1) if inside else st.integers(low - 60, high + 60))
        edge = min(max(edge, 0), 1439)
        if draw(st.booleans()):
            opens, closes = edge, draw(st.integers(edge + 1, 1440))
        else:
            opens, closes = draw(st.integers(0, edge)), edge + 1
        weekdays |= {before.weekday()}
    else:
        opens = draw(st.integers(0, 1439))
        closes = draw(st.integers(opens + 1, 1440))
    country = draw(st.sampled_from(COUNTRIES))
    return Spec(zone_name, weekdays, opens, closes, country), start


# --- properties against the oracle ------------------------------------------------------------


@settings(ORACLE, max_examples=100)
@given(scenarios(), st.data())
def test_deadline_matches_the_minute_stepping_oracle(
    scenario: tuple[Spec, datetime], data: st.DataObject
) -> None:
    spec, start = scenario
    # About a week of calendar time at most, so the walk stays short.
    longest = min(3 * 1440, spec.minutes_per_week())
    window_minutes = data.draw(st.integers(0, longest), label="window_minutes")
    window = window_minutes * MINUTE
    hours = spec.hours()
    due = deadline(start, window, hours)
    assume(due - start < timedelta(days=40))  # a long run of holidays; rare
    assert due >= start
    assert due == oracle_deadline(spec, start, window_minutes)
    assert business_elapsed(start, due, hours) == window


@ORACLE
@given(scenarios(), st.data())
def test_the_nudge_is_three_quarters_of_the_window_on_an_existing_local_time(
    scenario: tuple[Spec, datetime], data: st.DataObject
) -> None:
    spec, start = scenario
    longest = min(3 * 1440, spec.minutes_per_week())
    window = data.draw(st.integers(1, longest), label="window_minutes") * MINUTE
    hours = spec.hours()
    nudge, due = nudge_at(start, window, hours), deadline(start, window, hours)
    assume(due - start < timedelta(days=40))
    assert start <= nudge <= due
    assert oracle_elapsed(spec, start, nudge) == window * 0.75
    zone = ZoneInfo(spec.zone)
    for moment in (nudge, due):
        local = moment.astimezone(zone)
        wall = local.replace(tzinfo=None)
        assert wall.replace(tzinfo=zone, fold=local.fold).astimezone(UTC) == moment


@ORACLE
@given(scenarios(), st.integers(-3 * 1440, 3 * 1440))
def test_is_open_matches_the_oracle(scenario: tuple[Spec, datetime], shift: int) -> None:
    spec, start = scenario
    moment = min(max(start + shift * MINUTE, FIRST_MINUTE), LAST_MINUTE)
    _minute, runs = next(oracle_minutes(spec, moment))
    assert is_open(moment, spec.hours()) == runs


# --- properties of the module alone, over long windows and any instant ---------------------

ANY_INSTANT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
WINDOWS = st.integers(0, 30 * 86400 * 10**6).map(lambda micro: timedelta(microseconds=micro))


@st.composite
def business_hours(draw: st.DrawFn) -> BusinessHours:
    """Any hours open two hours a day or more, so even 30 days fit within the horizon."""
    opens = draw(st.integers(0, 1440 - 120))
    closes = draw(st.integers(opens + 120, 1440))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    zone, country = draw(st.sampled_from(ZONES)), draw(st.sampled_from(COUNTRIES))
    return Spec(zone, weekdays, opens, closes, country).hours()


@settings(max_examples=60, deadline=None)
@given(ANY_INSTANT, WINDOWS, WINDOWS, business_hours())
def test_deadlines_only_move_later_as_the_window_grows(
    start: datetime, one: timedelta, other: timedelta, hours: BusinessHours
) -> None:
    shorter, longer = sorted((one, other))
    first, second = deadline(start, shorter, hours), deadline(start, longer, hours)
    assert start <= first <= second
    assert business_elapsed(start, first, hours) == shorter
    assert business_elapsed(start, second, hours) == longer
    assert business_elapsed(first, second, hours) == longer - shorter


@settings(max_examples=100, deadline=None)
@given(ANY_INSTANT, WINDOWS)
def test_without_business_hours_a_window_is_elapsed_time(
    start: datetime, window: timedelta
) -> None:
    assert deadline(start, window, None) == start + window
    assert business_elapsed(start, start + window, None) == window
