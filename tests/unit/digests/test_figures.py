"""A week's figures on a fixture week, computed by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digests.figures import RequestFacts, WeekFigures, figures_of, nearest_rank
from bot.digests.schedule import DigestWeek

WEEK = DigestWeek(
    start=datetime(2026, 11, 23, 8, tzinfo=UTC), end=datetime(2026, 11, 30, 8, tzinfo=UTC)
)
H = timedelta(hours=1)


def request(
    ts: str,
    arrived: datetime,
    window: timedelta = 4 * H,
    acknowledged_after: timedelta | None = None,
    by: str | None = None,
    dismissed: bool = False,
    follow_ups: int = 0,
) -> RequestFacts:
    acknowledged = None if acknowledged_after is None else arrived + acknowledged_after
    return RequestFacts(
        channel_id="C1",
        ts=ts,
        arrived_at=arrived,
        due_at=arrived + window,
        acknowledged_at=acknowledged,
        acknowledged_by=by,
        seconds_to_acknowledge=None if acknowledged_after is None else acknowledged_after.seconds,
        dismissed=dismissed,
        follow_ups=follow_ups,
    )


MONDAY = WEEK.start
FIXTURE = [
    # Arrived the week before, due in this week (Monday 10:00), acknowledged late on Monday
    # 11:00: due in the week, not kept, a breach; acknowledged in the week (5 h, late).
    request("1.0", MONDAY - 2 * H, acknowledged_after=5 * H, by="UMARIE"),
    # Kept: 1 h, by Marie.
    request("2.0", MONDAY + 1 * H, acknowledged_after=1 * H, by="UMARIE", follow_ups=1),
    # Kept: 30 min, by Jack.
    request("3.0", MONDAY + 25 * H, acknowledged_after=H / 2, by="UJACK"),
    # Dismissed ("not a request"): counted nowhere.
    request("4.0", MONDAY + 26 * H, dismissed=True),
    # Breach, still open at the end of the week, 2 follow-ups.
    request("5.0", MONDAY + 50 * H, follow_ups=2),
    # Arrived Sunday, due after the week ends: received, not due yet, open at the end.
    request("6.0", WEEK.end - 2 * H),
    # Kept: 2 h, by Marie.
    request("7.0", MONDAY + 73 * H, acknowledged_after=2 * H, by="UMARIE"),
    # Arrived after the week: ignored.
    request("8.0", WEEK.end + H, acknowledged_after=H, by="UJACK"),
]


def test_fixture_week_figures_match_the_hand_computed_values() -> None:
    figures = figures_of(FIXTURE, WEEK)
    assert figures.received == 5  # 2, 3, 5, 6, 7 (1 arrived before; 4 dismissed; 8 after)
    assert figures.due == 5  # 1, 2, 3, 5, 7 (6 is due after the week ends)
    assert figures.kept == 3  # 2, 3, 7
    assert figures.kept_ratio == 3 / 5
    assert figures.acknowledged == 4  # 1, 2, 3, 7
    assert figures.on_time == 3
    # Waits in seconds: 1,800 (3), 3,600 (2), 7,200 (7), 18,000 (1): nearest rank.
    assert figures.median_seconds == 3_600
    assert figures.p90_seconds == 18_000
    assert figures.follow_ups == 3  # on requests received in the week: 1 (#2) + 2 (#5)
    assert [breach.ts for breach in figures.breaches] == ["1.0", "5.0"]
    assert figures.breach_count == 2
    # Still open when the week ended: 5 (arrived Wednesday 10:00) and 6: the oldest is 5.
    assert figures.longest_open is not None
    assert figures.longest_open.ts == "5.0"
    assert figures.longest_open_wait == WEEK.end - (MONDAY + 50 * H)
    assert figures.pickers == (("UMARIE", 3), ("UJACK", 1))
    assert not figures.quiet


def test_a_week_with_nothing_is_quiet_and_has_no_ratios() -> None:
    figures = figures_of([], WEEK)
    assert figures == WeekFigures(week=WEEK)
    assert figures.quiet
    assert figures.kept_ratio is None
    assert figures.on_time_ratio is None


def test_an_open_request_still_waiting_makes_a_week_not_quiet() -> None:
    figures = figures_of([request("9.0", MONDAY - 100 * H, window=1000 * H)], WEEK)
    assert figures.received == 0
    assert figures.due == 0
    assert not figures.quiet


@given(st.lists(st.floats(min_value=0, max_value=1e7), min_size=1, max_size=60))
@settings(max_examples=200, deadline=None)
def test_nearest_rank_is_a_value_that_occurred_and_splits_the_values(values: list[float]) -> None:
    for fraction in (0.5, 0.9):
        rank_value = nearest_rank(values, fraction)
        assert rank_value in values
        at_or_below = sum(1 for value in values if value <= rank_value)
        assert at_or_below >= fraction * len(values)
        below = sum(1 for value in values if value < rank_value)
        assert below < fraction * len(values)


def test_nearest_rank_of_nothing_is_none() -> None:
    assert nearest_rank([], 0.5) is None
