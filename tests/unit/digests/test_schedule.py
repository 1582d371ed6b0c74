"""When a weekly digest is due: golden cases across DST, and properties for every zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digests.schedule import (
    DigestSchedule,
    digest_due_now,
    latest_due,
    latest_due_day,
    next_due,
    occurrence,
    parse_schedule,
    week_before,
)
from bot.errors import DomainError

PARIS_MONDAY_9 = DigestSchedule(weekday=0, at=time(9, 0), timezone="Europe/Paris")
NEW_YORK_MONDAY_9 = DigestSchedule(weekday=0, at=time(9, 0), timezone="America/New_York")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected_latest", "expected_next"),
    [
        # Winter time in Paris (UTC+1): 09:00 local is 08:00 UTC.
        ("2026-03-23 08:00", "2026-03-23 08:00", "2026-03-30 07:00"),
        ("2026-03-23 07:59", "2026-03-16 08:00", "2026-03-23 08:00"),
        # Summer time from 29 March: the next Monday's 09:00 is 07:00 UTC.
        ("2026-03-30 07:00", "2026-03-30 07:00", "2026-04-06 07:00"),
        # Back to winter time on 25 October.
        ("2026-10-26 07:59", "2026-10-19 07:00", "2026-10-26 08:00"),
        ("2026-10-26 08:00", "2026-10-26 08:00", "2026-11-02 08:00"),
    ],
)
def test_paris_monday_nine_stays_at_nine_local_across_both_changes(
    now: str, expected_latest: str, expected_next: str
) -> None:
    assert latest_due(utc(now), PARIS_MONDAY_9) == utc(expected_latest)
    assert next_due(utc(now), PARIS_MONDAY_9) == utc(expected_next)


def test_new_york_changes_on_other_weeks_than_paris() -> None:
    # The US moves on 8 March 2026, Europe on 29 March: between them New York is UTC-4.
    assert next_due(utc("2026-03-10 00:00"), NEW_YORK_MONDAY_9) == utc("2026-03-16 13:00")
    assert next_due(utc("2026-03-01 00:00"), NEW_YORK_MONDAY_9) == utc("2026-03-02 14:00")


def test_a_wall_time_in_the_spring_gap_moves_to_the_end_of_the_gap() -> None:
    sunday_half_past_two = DigestSchedule(weekday=6, at=time(2, 30), timezone="Europe/Paris")
    # 02:00–03:00 does not exist on 29 March 2026 in Paris: the digest goes at 03:00 CEST.
    assert occurrence(date(2026, 3, 29), sunday_half_past_two) == utc("2026-03-29 01:00")
    # 02:30 happens twice on 25 October: the first one (CEST, UTC+2) is taken.
    assert occurrence(date(2026, 10, 25), sunday_half_past_two) == utc("2026-10-25 00:30")


def test_the_week_is_the_seven_local_days_that_end_when_the_digest_is_due() -> None:
    week = week_before(date(2026, 3, 30), PARIS_MONDAY_9)
    assert (week.start, week.end) == (utc("2026-03-23 08:00"), utc("2026-03-30 07:00"))
    assert week.end - week.start == timedelta(days=7) - timedelta(hours=1)


def test_a_missed_digest_is_sent_once_and_a_later_week_replaces_it() -> None:
    due = utc("2026-11-30 08:00")
    # The bot was down at 09:00; it comes back on Wednesday: that week's digest is due.
    assert digest_due_now(utc("2026-12-02 10:00"), PARIS_MONDAY_9, None) == due
    assert digest_due_now(utc("2026-12-02 10:00"), PARIS_MONDAY_9, due) is None
    # Down for two weeks: only the latest week is sent, not the two missed ones.
    later = digest_due_now(utc("2026-12-15 10:00"), PARIS_MONDAY_9, utc("2026-11-23 08:00"))
    assert later == utc("2026-12-14 08:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday 09:00 Europe/Paris", DigestSchedule(0, time(9), "Europe/Paris")),
        ("lundi 9h", DigestSchedule(0, time(9), "America/Montreal")),
        ("vendredi 16h30 UTC", DigestSchedule(4, time(16, 30), "UTC")),
        ("thu 8", DigestSchedule(3, time(8), "America/Montreal")),
        ("", DigestSchedule(0, time(9), "America/Montreal")),
    ],
)
def test_parse_schedule_in_english_and_french(text: str, expected: DigestSchedule) -> None:
    assert parse_schedule(text, "America/Montreal") == expected


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("monday 25:00", "time", "between 00:00 and 23:59"),
        ("monday 09:00 Mars/Olympus", "timezone", "Unknown time zone"),
        ("someday", "schedule", "couldn't read the schedule"),
    ],
)
def test_parse_schedule_says_what_to_fix(text: str, field: str, message: str) -> None:
    with pytest.raises(DomainError, match=message) as raised:
        parse_schedule(text, "UTC")
    assert raised.value.field == field


ZONES = sorted(zone for zone in available_timezones() if "/" in zone and zone[0].isupper())


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    at=st.times(),
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
)
def test_due_times_bracket_now_on_the_right_weekday_at_the_right_wall_time(
    zone: str, weekday: int, at: time, now: datetime
) -> None:
    schedule = DigestSchedule(weekday=weekday, at=at.replace(microsecond=0), timezone=zone)
    latest, following = latest_due(now, schedule), next_due(now, schedule)
    assert latest <= now < following
    assert timedelta(days=6) <= following - latest <= timedelta(days=8)
    day = latest_due_day(now, schedule)
    assert day.weekday() == weekday
    local = latest.astimezone(ZoneInfo(zone))
    wall = datetime.combine(day, schedule.at)
    if local.replace(tzinfo=None) != wall:
        # Only in a gap: the wall time did not exist, and the digest went at the gap's end,
        # the first existing local time after it, and no later than a day after.
        assert local.replace(tzinfo=None) > wall
        assert (latest - timedelta(minutes=1)).astimezone(ZoneInfo(zone)).replace(
            tzinfo=None
        ) < wall
        assert local.replace(tzinfo=None) - wall < timedelta(days=1)
