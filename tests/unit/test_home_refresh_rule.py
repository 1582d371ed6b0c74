"""The home's debounce rule: a refresh waits for the burst, and keeps its gap to the last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.home.changes import MIN_GAP, SETTLE, refresh_at

moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@given(now=moments, since=st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(hours=2))))
def test_a_refresh_waits_for_the_burst_and_the_gap_and_no_longer(
    now: datetime, since: timedelta | None
) -> None:
    last = None if since is None else now - since
    due = refresh_at(now, last)
    assert due >= now + SETTLE
    if last is not None:
        assert due >= last + MIN_GAP
    # Never later than it must be: one of the two bounds is the one it waits for.
    assert due in {now + SETTLE, *(() if last is None else (last + MIN_GAP,))}


def test_a_home_published_long_ago_refreshes_after_the_burst_only() -> None:
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert refresh_at(now, now - timedelta(hours=1)) == now + SETTLE
    assert refresh_at(now, now - timedelta(seconds=10)) == now - timedelta(seconds=10) + MIN_GAP
