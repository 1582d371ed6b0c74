"""The digest's aggregate queries agree with the figures' definition, for any week of
requests, and read nothing of another channel or workspace; due digests are claimed once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.digests.figures import RequestFacts, figures_of
from bot.digests.schedule import DigestSchedule, DigestWeek
from bot.digests.usecases import request_weeks, send_due_digests, set_digest
from storage.enums import RequestStatus
from storage.models import ChannelDigest, ClientRequest, OutboxMessage
from tests.storage import CHANNEL, T1, T2

WEEK = DigestWeek(
    start=datetime(2026, 11, 23, 8, tzinfo=UTC), end=datetime(2026, 11, 30, 8, tzinfo=UTC)
)
WEEK_BEFORE = DigestWeek(start=WEEK.start - timedelta(days=7), end=WEEK.start)
MINUTE = timedelta(minutes=1)

requests_strategy = st.lists(
    st.tuples(
        st.integers(-10 * 24 * 60, 9 * 24 * 60),  # arrival, minutes after the week's start
        st.integers(1, 3 * 24 * 60),  # window, minutes
        st.one_of(st.none(), st.integers(0, 4 * 24 * 60)),  # acknowledged after, minutes
        st.sampled_from(["open", "dismissed", "withdrawn"]),
        st.integers(0, 3),  # follow-ups
        st.sampled_from(["U0ANNA", "U0BRUNO", "U0CHLOE"]),
    ),
    max_size=25,
)


def _row(team_id: str, channel_id: str, index: int, spec: tuple) -> tuple[dict, RequestFacts]:  # type: ignore[type-arg]
    arrival, window, acked_after, fate, follow_ups, by = spec
    arrived = WEEK.start + arrival * MINUTE
    acknowledged = None if acked_after is None else arrived + acked_after * MINUTE
    status = {
        "dismissed": RequestStatus.dismissed,
        "withdrawn": RequestStatus.withdrawn,
    }.get(fate, RequestStatus.open if acknowledged is None else RequestStatus.acknowledged)
    ts = f"17000{index:05d}.000100"
    values = {
        "team_id": team_id,
        "promise_id": 1,
        "promise_version_id": 999_999,  # no such version: the clock always ran
        "channel_id": channel_id,
        "ts": ts,
        "requester": "U0CLIENT",
        "created_at": arrived,
        "last_message_at": arrived,
        "follow_ups": follow_ups,
        "nudge_at": arrived + window * MINUTE * 3 / 4,
        "due_at": arrived + window * MINUTE,
        "status": status,
        "acknowledged_at": acknowledged,
        "acknowledged_by": by if acknowledged else None,
        "breached": False,
    }
    facts = RequestFacts(
        channel_id=channel_id,
        ts=ts,
        arrived_at=arrived,
        due_at=arrived + window * MINUTE,
        acknowledged_at=acknowledged,
        acknowledged_by=by if acknowledged else None,
        seconds_to_acknowledge=None
        if acknowledged is None
        else (acknowledged - arrived).total_seconds(),
        dismissed=fate != "open",
        follow_ups=follow_ups,
    )
    return values, facts


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mine=requests_strategy, noise=requests_strategy)
def test_the_queries_compute_what_the_definition_says(
    db: Engine,
    mine: list,
    noise: list,  # type: ignore[type-arg]
) -> None:
    factory = sessionmaker(db)
    facts = []
    with factory.begin() as session:
        session.execute(delete(ClientRequest))
        for index, spec in enumerate(mine):
            values, fact = _row(T1.team_id, CHANNEL, index, spec)
            session.add(ClientRequest(**values))
            facts.append(fact)
        for index, spec in enumerate(noise):
            # The same channel id in another workspace, and another channel of ours.
            session.add(ClientRequest(**_row(T2.team_id, CHANNEL, index, spec)[0]))
            session.add(ClientRequest(**_row(T1.team_id, "C0OTHER", index, spec)[0]))
    with factory() as session:
        [trend, stored] = request_weeks(
            session, ws=T1, channel_id=CHANNEL, weeks=[WEEK_BEFORE, WEEK]
        )
    # The week before is the trend: its counts and percentiles, from the same statements.
    before = figures_of(facts, WEEK_BEFORE)
    assert (trend.received, trend.due, trend.kept, trend.acknowledged, trend.on_time) == (
        before.received,
        before.due,
        before.kept,
        before.acknowledged,
        before.on_time,
    )
    assert (trend.median_seconds, trend.p90_seconds) == (before.median_seconds, before.p90_seconds)
    assert (trend.follow_ups, trend.breach_count) == (before.follow_ups, before.breach_count)
    expected = figures_of(facts, WEEK)
    assert stored.received == expected.received
    assert stored.due == expected.due
    assert stored.kept == expected.kept
    assert stored.acknowledged == expected.acknowledged
    assert stored.on_time == expected.on_time
    assert stored.median_seconds == expected.median_seconds
    assert stored.p90_seconds == expected.p90_seconds
    assert stored.follow_ups == expected.follow_ups
    assert stored.breach_count == expected.breach_count
    assert [b.ts for b in stored.breaches] == [b.ts for b in expected.breaches]
    assert stored.longest_open_wait == expected.longest_open_wait
    assert stored.pickers == expected.pickers


def test_two_schedulers_at_the_same_moment_queue_a_digest_once(db: Engine) -> None:
    factory = sessionmaker(db)
    paris = DigestSchedule(weekday=0, at=time(9), timezone="Europe/Paris")
    with factory.begin() as session:
        for index in range(30):
            set_digest(
                session,
                ws=T1,
                channel_id=f"C0CH{index:04d}",
                schedule=paris,
                user_id="U0ANNA",
                now=datetime(2026, 11, 25, tzinfo=UTC),
            )
    due = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    queued: list[int] = []

    def scheduler() -> None:
        barrier.wait()
        with factory.begin() as session:
            queued.append(send_due_digests(session, due))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(queued) == 30
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 30
        next_due = set(session.scalars(select(ChannelDigest.next_due_at)))
    assert next_due == {datetime(2026, 12, 7, 8, 0, tzinfo=UTC)}
    with factory.begin() as session:
        assert send_due_digests(session, due + timedelta(hours=1)) == 0
