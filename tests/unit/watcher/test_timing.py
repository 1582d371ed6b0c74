"""When requests are nudged and escalated, in business time: golden cases, then properties."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import FrozenClock
from bot.watcher.alerts import who_to_mention
from bot.watcher.rules import WatchTerms
from bot.watcher.timing import (
    Action,
    Progress,
    deadlines,
    is_breached,
    next_step,
    sendable_at,
    time_to_acknowledge,
)
from bot.windows import BusinessHours, Member, business_elapsed, is_open

PARIS = ZoneInfo("Europe/Paris")
OFFICE = BusinessHours("Europe/Paris")  # Mon–Fri 09:00–17:00
H = timedelta(hours=1)
FOUR_HOURS = WatchTerms(team=frozenset({"UMARIE"}), window=4 * H, hours=OFFICE)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def progress(created: datetime, terms: WatchTerms = FOUR_HOURS, **state: bool) -> Progress:
    times = deadlines(created, terms)
    return Progress(
        nudge_at=times.nudge_at,
        due_at=times.due_at,
        nudged=state.get("nudged", False),
        escalated=state.get("escalated", False),
        closed=state.get("closed", False),
    )


def test_a_friday_afternoon_request_is_nudged_and_due_on_monday() -> None:
    times = deadlines(paris(2026, 3, 6, 16), FOUR_HOURS)  # Friday 16:00
    assert times.nudge_at == paris(2026, 3, 9, 11)  # 3 business hours: Monday 11:00
    assert times.due_at == paris(2026, 3, 9, 12)


def test_across_the_spring_dst_change_the_clock_counts_business_hours() -> None:
    # Paris moves to summer time on Sunday 29 March 2026; Friday 15:00 + 4h = Monday 11:00 local.
    times = deadlines(paris(2026, 3, 27, 15), FOUR_HOURS)
    assert times.due_at == paris(2026, 3, 30, 11)
    assert times.due_at.astimezone(UTC).hour == 9  # UTC+2 now, not UTC+1


def test_a_request_at_night_starts_at_the_next_opening() -> None:
    times = deadlines(paris(2026, 3, 3, 22), FOUR_HOURS)
    assert times.due_at == paris(2026, 3, 4, 13)


def test_without_business_hours_the_window_is_elapsed_time() -> None:
    terms = WatchTerms(team=frozenset(), window=10 * timedelta(seconds=1))
    times = deadlines(paris(2026, 3, 7, 3), terms)  # a Saturday at 03:00
    assert times.due_at - paris(2026, 3, 7, 3) == timedelta(seconds=10)
    assert times.nudge_at - paris(2026, 3, 7, 3) == timedelta(seconds=7.5)


def test_the_scheduler_nudges_then_escalates_with_an_injected_clock() -> None:
    clock = FrozenClock(paris(2026, 3, 2, 9))  # Monday
    request = progress(clock.now())
    first = next_step(request, clock.now(), OFFICE)
    assert first.action is None
    assert first.wake_at == paris(2026, 3, 2, 12)
    clock.set(paris(2026, 3, 2, 12))
    nudge = next_step(request, clock.now(), OFFICE)
    assert nudge.action is Action.nudge
    assert nudge.wake_at == paris(2026, 3, 2, 13)
    clock.set(paris(2026, 3, 2, 13))
    escalate = next_step(progress(paris(2026, 3, 2, 9), nudged=True), clock.now(), OFFICE)
    assert escalate.action is Action.escalate
    assert not escalate.skip_nudge
    assert escalate.wake_at is None


def test_outside_business_hours_nothing_is_sent_and_it_goes_when_the_team_opens() -> None:
    # 24h window without business hours for the deadline, but alerts only in office hours.
    request = progress(paris(2026, 3, 6, 16))  # due Monday 12:00
    saturday = next_step(request, paris(2026, 3, 7, 10), OFFICE)
    assert saturday.action is None
    assert saturday.wake_at == paris(2026, 3, 9, 11)
    # Due at a closing time (Friday 17:00): escalated at Monday's opening, not before.
    closing = Progress(
        nudge_at=paris(2026, 3, 6, 16),
        due_at=paris(2026, 3, 6, 17),
        nudged=True,
        escalated=False,
        closed=False,
    )
    friday_evening = next_step(closing, paris(2026, 3, 6, 17), OFFICE)
    assert friday_evening.action is None
    assert friday_evening.wake_at == paris(2026, 3, 9, 9)
    monday = next_step(closing, paris(2026, 3, 9, 9), OFFICE)
    assert monday.action is Action.escalate


def test_both_alerts_fell_due_while_down_only_the_escalation_goes() -> None:
    step = next_step(progress(paris(2026, 3, 2, 9)), paris(2026, 3, 2, 15), OFFICE)
    assert step.action is Action.escalate
    assert step.skip_nudge


def test_an_acknowledged_request_needs_nothing_more() -> None:
    step = next_step(progress(paris(2026, 3, 2, 9), closed=True), paris(2026, 3, 2, 15), OFFICE)
    assert step.action is None
    assert step.wake_at is None


def test_breach_and_time_to_acknowledge_even_after_the_breach() -> None:
    created = paris(2026, 3, 6, 16)
    due = deadlines(created, FOUR_HOURS).due_at
    assert not is_breached(due, due, due + H)
    assert is_breached(due, due + timedelta(seconds=1), due + H)
    assert is_breached(due, None, due)
    assert not is_breached(due, None, due - timedelta(seconds=1))
    assert time_to_acknowledge(created, paris(2026, 3, 9, 14), OFFICE) == 6 * H


# --- who is mentioned ----------------------------------------------------------------------


TEAM = [
    Member("UA", "Europe/Paris"),
    Member("UB", "America/New_York"),
    Member("UC", "Europe/Paris"),
    Member("UD", "Europe/Paris", dnd=True),
    Member("UE", "Asia/Tokyo"),
]


def test_alerts_mention_people_at_work_in_their_own_time_zone_taking_turns() -> None:
    now = paris(2026, 3, 2, 10)  # 04:00 in New York, 18:00 in Tokyo
    first = who_to_mention(TEAM, now=now, hours=OFFICE, turn=0, limit=1)
    second = who_to_mention(TEAM, now=now, hours=OFFICE, turn=1, limit=1)
    third = who_to_mention(TEAM, now=now, hours=OFFICE, turn=2, limit=1)
    assert [first, second, third] == [["UA"], ["UC"], ["UA"]]
    evening = paris(2026, 3, 2, 16)  # 10:00 in New York
    assert who_to_mention(TEAM, now=evening, hours=OFFICE, turn=0, limit=5) == ["UA", "UB", "UC"]


def test_the_requester_is_never_asked_to_take_their_own_request() -> None:
    now = paris(2026, 3, 2, 10)
    assert "UA" not in who_to_mention(TEAM, now=now, hours=OFFICE, turn=0, requester="UA")


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=4))
def test_never_more_than_the_limit_and_every_present_member_gets_a_turn(
    turn: int, limit: int
) -> None:
    now = paris(2026, 3, 2, 16)
    present = {"UA", "UB", "UC"}
    seen: set[str] = set()
    for offset in range(3):
        picked = who_to_mention(TEAM, now=now, hours=OFFICE, turn=turn + offset, limit=limit)
        assert len(picked) == min(limit, 3)
        assert set(picked) <= present
        seen |= set(picked)
    assert seen == present


# --- properties: the scheduler over all time zones and hours ------------------------------

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
hours_strategy = st.one_of(
    st.none(),
    st.builds(
        lambda zone, opens, length, weekdays: BusinessHours(
            zone,
            weekdays=frozenset(weekdays),
            opens=time(opens),
            closes=time(opens + length) if opens + length < 24 else time(0),
        ),
        st.sampled_from(ZONES),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=1, max_value=4),
        st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    ),
)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(
    hours_strategy,
    moments,
    st.integers(min_value=10, max_value=3 * 86400),
    st.floats(min_value=0.05, max_value=1.0),
    st.lists(st.integers(min_value=1, max_value=6 * 3600), min_size=1, max_size=40),
)
def test_a_simulated_scheduler_sends_each_alert_once_only_when_open_and_never_early(
    hours: BusinessHours | None,
    created: datetime,
    window_seconds: int,
    fraction: float,
    ticks: list[int],
) -> None:
    terms = WatchTerms(
        team=frozenset(),
        window=timedelta(seconds=window_seconds),
        hours=hours,
        nudge_fraction=fraction,
    )
    times = deadlines(created, terms)
    assert created <= times.nudge_at <= times.due_at
    assert business_elapsed(created, times.due_at, hours) == terms.window
    sent: list[tuple[Action, datetime]] = []
    nudged = escalated = False
    now = created
    wake: datetime | None = created
    for tick in ticks:
        now += timedelta(seconds=tick)
        if wake is None:
            break
        if now < wake:
            continue
        step = next_step(
            Progress(times.nudge_at, times.due_at, nudged, escalated, False), now, hours
        )
        if step.action is not None:
            assert hours is None or is_open(now, hours)
            sent.append((step.action, now))
            nudged = True
            escalated = escalated or step.action is Action.escalate
        assert step.wake_at is None or step.wake_at >= now
        wake = step.wake_at
    actions = [action for action, _ in sent]
    assert actions.count(Action.nudge) <= 1
    assert actions.count(Action.escalate) <= 1
    for action, at in sent:
        assert at >= (times.nudge_at if action is Action.nudge else times.due_at)
    if Action.escalate in actions and Action.nudge in actions:
        assert actions == [Action.nudge, Action.escalate]


@settings(max_examples=100, deadline=None)
@given(hours_strategy, moments, moments)
def test_sendable_at_is_never_before_due_or_now_and_is_open(
    hours: BusinessHours | None, due: datetime, now: datetime
) -> None:
    moment = sendable_at(due, now, hours)
    assert moment >= max(due, now)
    if hours is not None:
        assert is_open(moment, hours)
