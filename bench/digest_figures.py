"""Digest figures over a year of history on PostgreSQL: time per digest, in total, peak memory,
and one channel's time with 1x and 10x as many other channels.

Builds a scratch database: CHANNELS channels in 100 workspaces, PER_CHANNEL requests each
spread over the last 365 days (9 in 10 acknowledged within 0 to 6 hours against a 4-hour
promise, 3 in 100 dismissed, some followed up). It is filled in two steps: first a tenth of the
channels, where one channel's digest is timed; then the other nine tenths, and the same
channel is timed again. Then every channel's digest (all 8 weeks of trend, irritants,
exercises, promises) is computed once, and the query plans of one digest are printed.

Usage: `python bench/digest_figures.py [postgresql://postgres@127.0.0.1/postgres] [channels]`
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from bot.digests import usecases
from bot.digests.schedule import DigestSchedule
from bot.tenancy import Workspace
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade

CHANNELS = 10_000
WORKSPACES = 100
PER_CHANNEL = 500  # 10,000 channels x 500 = 5,000,000 requests
NOW = datetime(2026, 11, 30, 8, 0, 30, tzinfo=UTC)  # just after Monday 09:00 in Paris
SCHEDULE = DigestSchedule(weekday=0, at=datetime(2026, 1, 1, 9).time(), timezone="Europe/Paris")
TARGET = 7  # the channel timed with 1x and 10x other channels
REPEATS = 30


def channel_id(index: int) -> str:
    return f"C{index:07d}"


def workspace_of(index: int) -> Workspace:
    return Workspace(f"T{index % WORKSPACES:04d}")


def fill(engine: Engine, first: int, last: int) -> float:
    """Requests of channels [first, last): PER_CHANNEL each over the last year."""
    statement = text(
        """
        INSERT INTO client_requests (team_id, promise_id, promise_version_id, channel_id, ts,
            requester, created_at, last_message_at, follow_ups, nudge_at, due_at,
            next_check_at, status, acknowledged_at, acknowledged_by, breached)
        SELECT 'T' || lpad((c % :workspaces)::text, 4, '0'), c + 1, c + 1,
            'C' || lpad(c::text, 7, '0'), (1700000000 + k)::text || '.000100',
            'U' || (k % 40),
            r.created, r.created, CASE WHEN k % 5 = 0 THEN 1 ELSE 0 END,
            r.created + interval '3 hours', r.created + interval '4 hours', NULL,
            CASE WHEN k % 33 = 0 THEN 'dismissed'
                 WHEN k % 10 = 9 THEN 'open' ELSE 'acknowledged' END,
            CASE WHEN k % 10 = 9 OR k % 33 = 0 THEN NULL
                 ELSE r.created + ((k * 7919 + c) % 360) * interval '1 minute' END,
            CASE WHEN k % 10 = 9 OR k % 33 = 0 THEN NULL ELSE 'U0TEAM' || (k % 7) END,
            false
        FROM generate_series(:first, :last - 1) AS c,
             generate_series(0, :per - 1) AS k,
             LATERAL (SELECT :now - interval '365 days'
                 + (k * 365.0 / :per) * interval '1 day'
                 + ((c * 37 + k * 11) % 600) * interval '1 minute' AS created) AS r
        """
    )
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            statement,
            {
                "workspaces": WORKSPACES,
                "first": first,
                "last": last,
                "per": PER_CHANNEL,
                "now": NOW,
            },
        )
        connection.execute(text("ANALYZE client_requests"))
    return time.perf_counter() - started


def one_digest(engine: Engine, index: int) -> float:
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    with sessions() as session:
        content = usecases.digest_content(
            session,
            ws=workspace_of(index),
            channel_id=channel_id(index),
            schedule=SCHEDULE,
            due=usecases.occurrence_due(NOW, SCHEDULE),
        )
    elapsed = time.perf_counter() - started
    assert content.this_week.received > 0, "the fixture puts requests in every week"
    return elapsed


def timed_target(engine: Engine, label: str) -> float:
    one_digest(engine, TARGET)  # warm the caches once
    timings = [one_digest(engine, TARGET) * 1000 for _ in range(REPEATS)]
    median = statistics.median(timings)
    print(f"  {label}: channel {channel_id(TARGET)} median {median:.1f} ms, "
          f"p90 {sorted(timings)[int(REPEATS * 0.9) - 1]:.1f} ms ({REPEATS} runs)")  # fmt: skip
    return median


def plans(engine: Engine) -> None:
    """EXPLAIN ANALYZE of every statement one digest runs on client_requests."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "client_requests" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        one_digest(engine, TARGET)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    seen: set[str] = set()
    with engine.connect() as connection:
        for statement, parameters in captured:
            if statement in seen:
                continue  # the same statement for each week of the trend
            seen.add(statement)
            print("\n" + " ".join(statement.split()))
            rows = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", parameters
            )
            print("\n".join("    " + row[0] for row in rows))


def main(base: str, channels: int) -> None:
    base = "postgresql+psycopg://" + base.split("://", 1)[1]
    name = f"digest_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(base.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(engine)
        tenth = channels // 10
        took = fill(engine, 0, tenth)
        print(f"{tenth} channels, {tenth * PER_CHANNEL:,} requests (filled in {took:.0f} s)")
        alone = timed_target(engine, "1x")
        took = fill(engine, tenth, channels)
        print(f"{channels} channels, {channels * PER_CHANNEL:,} requests (filled in {took:.0f} s)")
        crowded = timed_target(engine, "10x")
        print(f"  ratio 10x / 1x: {crowded / alone:.2f}")
        started = time.perf_counter()
        timings = [one_digest(engine, index) * 1000 for index in range(channels)]
        total = time.perf_counter() - started
        print(
            f"every channel's digest once: {total:.1f} s in total, "
            f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms per digest"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the process (ru_maxrss): {peak:.0f} MB")
        plans(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres",
        int(sys.argv[2]) if len(sys.argv) > 2 else CHANNELS,
    )
