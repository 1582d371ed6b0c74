"""Promise windows and business time: golden cases, parsing, who is at work."""

from __future__ import annotations

import re
import time as stopwatch
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.windows import (
    BusinessHours,
    Member,
    WindowError,
    at_work,
    business_elapsed,
    deadline,
    is_open,
    next_opening,
    nudge_at,
    parse_window,
    pick_people_at_work,
    window_text,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
OFFICE_PARIS = BusinessHours("Europe/Paris", holiday_country="FR")  # Mon–Fri 09–17
OFFICE_NEW_YORK = BusinessHours("America/New_York", holiday_country="US")
H = timedelta(hours=1)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- the golden cases of the issue ---------------------------------------------------------


def test_friday_afternoon_plus_four_business_hours_is_monday_noon() -> None:
    friday_four_pm = paris(2026, 11, 6, 16)
    due = deadline(friday_four_pm, 4 * H, OFFICE_PARIS)
    assert due == paris(2026, 11, 9, 12)
    assert due.tzinfo is UTC


def test_a_request_at_eight_pm_starts_at_the_next_opening() -> None:
    thursday_evening = paris(2026, 11, 5, 20)
    assert next_opening(thursday_evening, OFFICE_PARIS) == paris(2026, 11, 6, 9)
    assert deadline(thursday_evening, 4 * H, OFFICE_PARIS) == paris(2026, 11, 6, 13)
    assert business_elapsed(thursday_evening, paris(2026, 11, 6, 9), OFFICE_PARIS) == timedelta(0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Monday 13 July 2026, 16:00; Tuesday 14 July (Bastille Day) is closed.
        (paris(2026, 7, 13, 16), paris(2026, 7, 15, 12)),
        # Tuesday 10 November; Wednesday 11 November (Armistice) is closed.
        (paris(2026, 11, 10, 16), paris(2026, 11, 12, 12)),
    ],
)
def test_a_french_public_holiday_is_skipped(start: datetime, expected: datetime) -> None:
    assert deadline(start, 4 * H, OFFICE_PARIS) == expected
    without_holidays = BusinessHours("Europe/Paris")
    assert deadline(start, 4 * H, without_holidays) == start + 20 * H


def test_an_observed_us_holiday_is_skipped() -> None:
    # 4 July 2026 is a Saturday: Independence Day is observed on Friday 3 July.
    thursday = new_york(2026, 7, 2, 16)
    assert deadline(thursday, 4 * H, OFFICE_NEW_YORK) == new_york(2026, 7, 6, 12)
    los_angeles = ZoneInfo("America/Los_Angeles")
    california = BusinessHours(los_angeles.key, holiday_country="US", holiday_subdivision="CA")
    assert not is_open(datetime(2026, 7, 3, 10, tzinfo=los_angeles), california)


def test_the_window_spans_the_paris_spring_change() -> None:
    # Sunday 29 March 2026 02:00 CET -> 03:00 CEST.
    due = deadline(paris(2026, 3, 27, 16), 4 * H, OFFICE_PARIS)
    assert due == paris(2026, 3, 30, 12)
    assert due == utc(2026, 3, 30, 10)  # 12:00 is now UTC+2
    # Without business hours a window is elapsed time: 24 real hours, 25 on the wall clock.
    saturday_noon = paris(2026, 3, 28, 12)
    assert deadline(saturday_noon, 24 * H, None) == paris(2026, 3, 29, 13)
    all_day = BusinessHours("Europe/Paris", weekdays=EVERY_DAY, opens=time(0), closes=time(0))
    assert business_elapsed(paris(2026, 3, 29), paris(2026, 3, 30), all_day) == 23 * H


def test_the_window_spans_the_paris_autumn_change() -> None:
    # Sunday 25 October 2026 03:00 CEST -> 02:00 CET.
    due = deadline(paris(2026, 10, 23, 16), 4 * H, OFFICE_PARIS)
    assert due == paris(2026, 10, 26, 12)
    assert due == utc(2026, 10, 26, 11)
    all_day = BusinessHours("Europe/Paris", weekdays=EVERY_DAY, opens=time(0), closes=time(0))
    assert business_elapsed(paris(2026, 10, 25), paris(2026, 10, 26), all_day) == 25 * H
    assert deadline(paris(2026, 10, 25), 25 * H, all_day) == paris(2026, 10, 26)


def test_new_york_across_both_changes() -> None:
    # 8 March 2026 02:00 EST -> 03:00 EDT; 1 November 2026 02:00 EDT -> 01:00 EST.
    assert deadline(new_york(2026, 3, 6, 16), 4 * H, OFFICE_NEW_YORK) == utc(2026, 3, 9, 16)
    assert deadline(new_york(2026, 10, 30, 16), 4 * H, OFFICE_NEW_YORK) == utc(2026, 11, 2, 17)


@pytest.mark.parametrize(
    ("hours", "start", "expected_utc"),
    [
        # 2025 EU changes: 30 March 01:00 UTC (spring), 26 October 01:00 UTC (autumn).
        (OFFICE_PARIS, paris(2025, 3, 28, 16), utc(2025, 3, 31, 10)),
        (OFFICE_PARIS, paris(2025, 10, 24, 16), utc(2025, 10, 27, 11)),
        # 2025 US changes: 9 March and 2 November, 02:00 local.
        (OFFICE_NEW_YORK, new_york(2025, 3, 7, 16), utc(2025, 3, 10, 16)),
        (OFFICE_NEW_YORK, new_york(2025, 10, 31, 16), utc(2025, 11, 3, 17)),
    ],
)
def test_the_2025_dst_changes(
    hours: BusinessHours, start: datetime, expected_utc: datetime
) -> None:
    due = deadline(start, 4 * H, hours)
    assert due == expected_utc
    assert due.astimezone(hours.zone).time() == time(12)
    assert nudge_at(start, 4 * H, hours).astimezone(hours.zone).time() == time(11)


def test_an_opening_time_skipped_by_the_spring_change_opens_at_the_jump() -> None:
    # 02:30 does not exist in New York on 8 March 2026: the day opens at 03:00 EDT.
    night = BusinessHours("America/New_York", weekdays=EVERY_DAY, opens=time(2, 30), closes=time(5))
    sunday = new_york(2026, 3, 8)
    opening = next_opening(sunday, night)
    assert opening == utc(2026, 3, 8, 7)
    assert opening.astimezone(NEW_YORK).time() == time(3)
    assert business_elapsed(sunday, new_york(2026, 3, 9), night) == 2 * H
    assert not is_open(opening - timedelta(microseconds=1), night)
    assert is_open(opening, night)


def test_a_closing_time_skipped_by_the_spring_change_closes_at_the_jump() -> None:
    night = BusinessHours("America/New_York", weekdays=EVERY_DAY, opens=time(1), closes=time(2, 30))
    sunday = new_york(2026, 3, 8)
    assert business_elapsed(sunday, new_york(2026, 3, 9), night) == H
    assert deadline(sunday, H, night) == utc(2026, 3, 8, 7)


def test_hours_lived_twice_in_autumn_count_once_each_time() -> None:
    # 01:30 happens twice in New York on 1 November 2026: the day opens at the first one.
    night = BusinessHours("America/New_York", weekdays=EVERY_DAY, opens=time(1, 30), closes=time(3))
    sunday = new_york(2026, 11, 1)
    assert next_opening(sunday, night) == utc(2026, 11, 1, 5, 30)
    assert business_elapsed(sunday, new_york(2026, 11, 2), night) == 2.5 * H


def test_a_day_missing_from_the_calendar_has_no_business_hours() -> None:
    # Samoa skipped Friday 30 December 2011 when it crossed the date line.
    apia = ZoneInfo("Pacific/Apia")
    hours = BusinessHours("Pacific/Apia", weekdays=EVERY_DAY)
    thursday = datetime(2011, 12, 29, tzinfo=apia)
    saturday = datetime(2011, 12, 31, tzinfo=apia)
    assert business_elapsed(thursday, saturday, hours) == 8 * H
    assert next_opening(thursday + 17 * H, hours) == saturday + 9 * H


def test_clocks_going_back_across_midnight_keep_the_day_open_until_the_new_day() -> None:
    # Beirut, 25 October 2020 00:00 EEST -> 24 October 23:00 EET: Saturday's evening is longer.
    beirut = ZoneInfo("Asia/Beirut")
    evening = BusinessHours("Asia/Beirut", weekdays=frozenset({5}), opens=time(22), closes=time(0))
    saturday = datetime(2020, 10, 24, tzinfo=beirut)
    assert business_elapsed(saturday, saturday + 2 * 24 * H, evening) == 3 * H


def test_a_deadline_on_a_closing_time_is_that_closing_time() -> None:
    assert deadline(paris(2026, 11, 6, 16), H, OFFICE_PARIS) == paris(2026, 11, 6, 17)
    assert deadline(paris(2026, 11, 6, 16), H + timedelta(seconds=1), OFFICE_PARIS) == paris(
        2026, 11, 9, 9, 0, 1
    )


def test_opening_and_closing_boundaries() -> None:
    assert is_open(paris(2026, 11, 6, 9), OFFICE_PARIS)
    assert not is_open(paris(2026, 11, 6, 9) - timedelta(microseconds=1), OFFICE_PARIS)
    assert is_open(paris(2026, 11, 6, 17) - timedelta(microseconds=1), OFFICE_PARIS)
    assert not is_open(paris(2026, 11, 6, 17), OFFICE_PARIS)
    assert next_opening(paris(2026, 11, 6, 17), OFFICE_PARIS) == paris(2026, 11, 9, 9)
    assert next_opening(paris(2026, 11, 6, 10), OFFICE_PARIS) == paris(2026, 11, 6, 10)


def test_without_business_hours_the_window_is_elapsed_time() -> None:
    start = utc(2026, 1, 1, 23, 59, 55)
    assert deadline(start, timedelta(seconds=10), None) == utc(2026, 1, 2, 0, 0, 5)
    assert business_elapsed(start, start + 3 * H, None) == 3 * H
    assert business_elapsed(start, start - H, OFFICE_PARIS) == timedelta(0)
    assert deadline(start, timedelta(0), OFFICE_PARIS) == start


def test_the_nudge_comes_at_three_quarters_of_the_window() -> None:
    monday = paris(2026, 11, 9, 9)
    assert nudge_at(monday, 4 * H, OFFICE_PARIS) == paris(2026, 11, 9, 12)
    assert nudge_at(paris(2026, 11, 6, 16), 4 * H, OFFICE_PARIS) == paris(2026, 11, 9, 11)
    assert nudge_at(monday, 4 * H, None, fraction=0.5) == monday + 2 * H
    with pytest.raises(ValueError, match="fraction"):
        nudge_at(monday, 4 * H, None, fraction=0)
    with pytest.raises(ValueError, match="fraction"):
        nudge_at(monday, 4 * H, None, fraction=1.5)


def test_naive_datetimes_and_negative_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(datetime(2026, 11, 6, 16), H, OFFICE_PARIS)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(datetime(2026, 11, 6, 16), OFFICE_PARIS)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_elapsed(utc(2026, 1, 1), datetime(2026, 1, 2), None)
    with pytest.raises(ValueError, match="negative"):
        deadline(utc(2026, 1, 1), -H, None)


def test_a_thirty_day_window_takes_one_step_per_day() -> None:
    start = paris(2026, 1, 5, 9)
    began = stopwatch.perf_counter()
    due = deadline(start, timedelta(days=30), OFFICE_PARIS)
    assert stopwatch.perf_counter() - began < 1.0
    # 720 hours at 8 a day is 90 business days: with Easter Monday, 1, 8 and 14 May closed,
    # the 90th is Wednesday 13 May.
    assert due == paris(2026, 5, 13, 17)
    assert business_elapsed(start, due, OFFICE_PARIS) == timedelta(days=30)


def test_hours_that_barely_open_are_refused_rather_than_looped_over() -> None:
    one_minute_on_mondays = BusinessHours(
        "Europe/Paris", weekdays=frozenset({0}), opens=time(9), closes=time(9, 1)
    )
    began = stopwatch.perf_counter()
    with pytest.raises(WindowError, match="open too rarely to count a 30d window") as refused:
        deadline(paris(2026, 1, 5), timedelta(days=30), one_minute_on_mondays)
    assert stopwatch.perf_counter() - began < 5.0
    assert refused.value.values == {"window": "30d"}


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"timezone": "Europe/Pariss"}, "time zone"),
        ({"timezone": ""}, "time zone"),
        ({"timezone": "UTC", "weekdays": frozenset()}, "weekday"),
        ({"timezone": "UTC", "weekdays": frozenset({7})}, "weekdays"),
        ({"timezone": "UTC", "opens": time(17), "closes": time(9)}, "before"),
        ({"timezone": "UTC", "opens": time(9), "closes": time(9)}, "before"),
        ({"timezone": "UTC", "opens": time(9, tzinfo=UTC)}, "local"),
        ({"timezone": "UTC", "holiday_country": "XX"}, "XX"),
        ({"timezone": "UTC", "holiday_country": "US", "holiday_subdivision": "ZZ"}, "ZZ"),
        ({"timezone": "UTC", "holiday_subdivision": "CA"}, "country"),
    ],
)
def test_business_hours_are_validated(arguments: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        BusinessHours(**arguments)  # type: ignore[arg-type]


def test_business_hours_normalise_the_country_and_weekdays() -> None:
    hours = BusinessHours("UTC", weekdays={0, 1}, holiday_country=" fr ")  # type: ignore[arg-type]
    assert hours.holiday_country == "FR"
    california = BusinessHours("UTC", holiday_country="us", holiday_subdivision=" ca")
    assert (california.holiday_country, california.holiday_subdivision) == ("US", "CA")
    moselle = BusinessHours("UTC", holiday_country="FR", holiday_subdivision="Moselle")
    assert not moselle.is_open_day(date(2026, 4, 3))  # Good Friday, a holiday only there
    assert OFFICE_PARIS.is_open_day(date(2026, 4, 3))
    assert hours.weekdays == frozenset({0, 1})
    assert BusinessHours("UTC", opens=time(22), closes=time(0)).closes == time(0)


# --- windows as typed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10s", timedelta(seconds=10)),
        ("30m", timedelta(minutes=30)),
        ("4h", 4 * H),
        ("24h", 24 * H),
        ("2d", timedelta(days=2)),
        ("2j", timedelta(days=2)),
        ("30d", timedelta(days=30)),
        ("720h", timedelta(days=30)),
        (" 4H ", 4 * H),
        ("90min", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1d12h", timedelta(hours=36)),
        ("0004h", 4 * H),
    ],
)
def test_windows_are_read(text: str, expected: timedelta) -> None:
    assert parse_window(text) == expected


@pytest.mark.parametrize(
    ("text", "msgid_start"),
    [
        ("", "Give the window"),
        ("   ", "Give the window"),
        ("4", "I can't read"),
        ("h", "I can't read"),
        ("4x", "I can't read"),
        ("4 h", "I can't read"),
        ("1.5h", "I can't read"),
        ("-4h", "I can't read"),
        ("30m2h", "I can't read"),
        ("1h1h", "I can't read"),
        ("4h!", "I can't read"),
        ("٤h", "I can't read"),
        ("9s", "The window `{text}` is too short"),
        ("0d", "The window `{text}` is too short"),
        ("30d1s", "The window `{text}` is too long"),
        ("721h", "The window `{text}` is too long"),
        ("99999999999999999999d", "The window `{text}` is too long"),
    ],
)
def test_bad_windows_say_why(text: str, msgid_start: str) -> None:
    expected = msgid_start.format(text=text.strip()) if "{text}" in msgid_start else msgid_start
    with pytest.raises(WindowError, match=re.escape(expected)) as refused:
        parse_window(text)
    assert refused.value.message.startswith(msgid_start)
    if "{text}" in refused.value.message:
        assert refused.value.values == {"text": text.strip()}


def test_the_window_limits_are_inclusive() -> None:
    assert parse_window("10s") == timedelta(seconds=10)
    assert parse_window("30d") == timedelta(days=30)


@pytest.mark.parametrize(
    ("window", "text"),
    [
        (timedelta(seconds=10), "10s"),
        (timedelta(seconds=59), "59s"),
        (timedelta(minutes=2), "2m"),
        (timedelta(minutes=90), "90m"),
        (H, "1h"),
        (24 * H, "24h"),
        (36 * H, "36h"),
        (48 * H, "2d"),
        (timedelta(days=30), "30d"),
        (timedelta(0), "0s"),
    ],
)
def test_window_text_is_canonical(window: timedelta, text: str) -> None:
    assert window_text(window) == text


def test_window_text_refuses_fractions_of_a_second() -> None:
    with pytest.raises(ValueError, match="whole"):
        window_text(timedelta(seconds=10.5))
    with pytest.raises(ValueError, match="whole"):
        window_text(-H)


@given(st.integers(min_value=10, max_value=30 * 86400))
def test_window_text_reads_back(seconds: int) -> None:
    window = timedelta(seconds=seconds)
    assert parse_window(window_text(window)) == window


@given(st.text(max_size=40))
def test_parse_window_only_raises_window_errors(text: str) -> None:
    try:
        window = parse_window(text)
    except WindowError:
        return
    assert timedelta(seconds=10) <= window <= timedelta(days=30)


# --- who is at work --------------------------------------------------------------------------

# Monday 9 November 2026, 15:00 UTC: 16:00 in Paris, 10:00 in New York, 00:00 in Tokyo.
MONDAY_AFTERNOON = utc(2026, 11, 9, 15)


def test_dnd_means_not_at_work() -> None:
    assert not at_work(MONDAY_AFTERNOON, "Europe/Paris", OFFICE_PARIS, dnd=True)
    assert not at_work(MONDAY_AFTERNOON, "Europe/Paris", None, dnd=True)


def test_without_business_hours_everyone_out_of_dnd_is_at_work() -> None:
    assert at_work(MONDAY_AFTERNOON, "Asia/Tokyo", None, dnd=False)
    assert at_work(MONDAY_AFTERNOON, None, None, dnd=False)


def test_business_hours_are_read_on_the_members_own_clock() -> None:
    assert at_work(MONDAY_AFTERNOON, "Europe/Paris", OFFICE_PARIS, dnd=False)
    assert at_work(MONDAY_AFTERNOON, "America/New_York", OFFICE_PARIS, dnd=False)
    assert not at_work(MONDAY_AFTERNOON, "Asia/Tokyo", OFFICE_PARIS, dnd=False)
    # Two hours later Paris has closed and New York is still at work.
    later = MONDAY_AFTERNOON + 2 * H
    assert not at_work(later, "Europe/Paris", OFFICE_PARIS, dnd=False)
    assert at_work(later, "America/New_York", OFFICE_PARIS, dnd=False)


def test_a_missing_or_unknown_member_zone_falls_back_to_the_promise_zone() -> None:
    at_five_pm_paris = utc(2026, 11, 9, 16)  # 17:00 in Paris, 11:00 in New York
    for unknown in (None, "", "Mars/Olympus_Mons", "../etc/passwd"):
        assert at_work(MONDAY_AFTERNOON, unknown, OFFICE_PARIS, dnd=False)
        assert not at_work(at_five_pm_paris, unknown, OFFICE_PARIS, dnd=False)
    assert at_work(at_five_pm_paris, "America/New_York", OFFICE_PARIS, dnd=False)


def test_the_promise_holidays_apply_to_every_member() -> None:
    bastille_day_noon_in_new_york = new_york(2026, 7, 14, 12)
    assert not at_work(bastille_day_noon_in_new_york, "America/New_York", OFFICE_PARIS, dnd=False)
    assert at_work(bastille_day_noon_in_new_york, "America/New_York", OFFICE_NEW_YORK, dnd=False)


TEAM = [
    Member("U3", "Asia/Tokyo"),  # asleep at MONDAY_AFTERNOON
    Member("U1", "Europe/Paris"),
    Member("U4", "Europe/Paris", dnd=True),
    Member("U2", "America/New_York"),
    Member("U5", None),  # falls back to Paris
]


def test_people_at_work_take_turns_one_at_a_time() -> None:
    # At work: U1 (Paris), U2 (New York), U5 (no zone: Paris); U3 sleeps, U4 is in DND.
    picks = [pick_people_at_work(TEAM, MONDAY_AFTERNOON, OFFICE_PARIS, n) for n in range(6)]
    assert picks == [["U1"], ["U2"], ["U5"], ["U1"], ["U2"], ["U5"]]
    assert pick_people_at_work(TEAM, MONDAY_AFTERNOON, OFFICE_PARIS, -1) == ["U5"]


def test_never_the_whole_team_at_once() -> None:
    picked = pick_people_at_work(TEAM, MONDAY_AFTERNOON, OFFICE_PARIS, 1, limit=2)
    assert picked == ["U2", "U5"]
    everyone_awake = ["U1", "U2", "U3", "U5"]
    assert pick_people_at_work(TEAM, MONDAY_AFTERNOON, None, 0, limit=10) == everyone_awake
    with pytest.raises(ValueError, match="limit"):
        pick_people_at_work(TEAM, MONDAY_AFTERNOON, None, 0, limit=0)


def test_nobody_at_work_is_an_empty_pick() -> None:
    sunday = paris(2026, 11, 8, 12)
    assert pick_people_at_work(TEAM, sunday, OFFICE_PARIS, 0) == []
    assert pick_people_at_work([], MONDAY_AFTERNOON, None, 3) == []


def test_the_pick_does_not_depend_on_the_order_given() -> None:
    forward = pick_people_at_work(TEAM, MONDAY_AFTERNOON, OFFICE_PARIS, 1)
    assert pick_people_at_work(list(reversed(TEAM)), MONDAY_AFTERNOON, OFFICE_PARIS, 1) == forward
