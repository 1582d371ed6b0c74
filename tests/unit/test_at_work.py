"""Who is at work now: own clocks, business hours, public holidays and Do Not Disturb."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.clock import FrozenClock
from bot.promises.at_work import DndStatus, who_is_at_work
from bot.windows import BusinessHours

PARIS_HOURS = BusinessHours("Europe/Paris", opens=time(9), closes=time(17), holiday_country="FR")
TEAM = ["U0PARIS", "U0NEWYORK", "U0TOKYO", "U0UNKNOWN"]
ZONES = {
    "U0PARIS": "Europe/Paris",
    "U0NEWYORK": "America/New_York",
    "U0TOKYO": "Asia/Tokyo",
    "U0UNKNOWN": None,
}


def _at(clock: FrozenClock, hours: BusinessHours | None, **dnd: DndStatus) -> list[str]:
    return who_is_at_work(clock.now(), TEAM, timezones=ZONES, dnd=dnd, hours=hours)


def test_each_member_is_read_on_their_own_clock() -> None:
    # Tuesday 3 March 2026, 15:00 UTC: 16:00 Paris, 10:00 New York, 00:00 Tokyo.
    clock = FrozenClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    assert _at(clock, PARIS_HOURS) == ["U0NEWYORK", "U0PARIS", "U0UNKNOWN"]
    clock.advance(timedelta(hours=2))  # 18:00 Paris, 12:00 New York, 02:00 Tokyo
    assert _at(clock, PARIS_HOURS) == ["U0NEWYORK"]


def test_without_business_hours_everyone_not_in_dnd_is_at_work() -> None:
    clock = FrozenClock(datetime(2026, 3, 8, 3, 0, tzinfo=UTC))  # a Sunday night
    assert _at(clock, None) == sorted(TEAM)


def test_the_promise_s_public_holidays_apply_to_everyone() -> None:
    # 14 July 2026 is a Tuesday and a French public holiday, even for New York.
    clock = FrozenClock(datetime(2026, 7, 14, 15, 0, tzinfo=UTC))
    assert _at(clock, PARIS_HOURS) == []
    assert PARIS_HOURS.is_open_day(date(2026, 7, 15))


def test_do_not_disturb_counts_only_during_its_period() -> None:
    clock = FrozenClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    period = DndStatus(True, clock.now() - timedelta(minutes=5), clock.now() + timedelta(hours=1))
    assert _at(clock, None, U0PARIS=period) == ["U0NEWYORK", "U0TOKYO", "U0UNKNOWN"]
    clock.advance(timedelta(hours=1))  # the period ends: back at work
    assert _at(clock, None, U0PARIS=period) == sorted(TEAM)
    assert not DndStatus(False, period.starts, period.ends).active(period.starts + timedelta(1))


def test_dnd_info_as_slack_answers_it() -> None:
    status = DndStatus.from_slack(
        {
            "ok": True,
            "dnd_enabled": True,
            "next_dnd_start_ts": 1700000000,
            "next_dnd_end_ts": 1700003600,
        }
    )
    assert status == DndStatus(
        True,
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        datetime(2023, 11, 14, 23, 13, 20, tzinfo=UTC),
    )
    assert status.active(datetime(2023, 11, 14, 22, 30, tzinfo=UTC))
    assert DndStatus.from_slack({"ok": True}) == DndStatus()
    assert DndStatus.from_slack({"dnd_enabled": "yes", "next_dnd_start_ts": True}) == DndStatus()
