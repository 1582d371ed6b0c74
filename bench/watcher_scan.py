"""The watcher's due-work scan against a large history, on PostgreSQL.

Builds a scratch database with 1,000,000 requests in history, 10,000 of them open and 100 of
those due now, then times one scheduler tick's claim (the statement `due.scan` runs) and
prints its query plan. Usage: `python bench/watcher_scan.py postgresql://postgres@127.0.0.1/postgres`.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.repositories import requests as repo

HISTORY = 1_000_000
OPEN = 10_000
DUE = 100
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def main(base: str) -> None:
    base = "postgresql+psycopg://" + base.split("://", 1)[1]
    name = f"watcher_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = base.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    try:
        upgrade(engine)
        fill(engine)
        measure(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


def fill(engine: object) -> None:
    # Every request acknowledged (next_check_at NULL) except the last OPEN; of those, DUE are
    # due now and the rest later. 100 workspaces, 1,000 channels.
    statement = text(
        """
        INSERT INTO client_requests (team_id, promise_id, promise_version_id, channel_id, ts,
            requester, created_at, last_message_at, follow_ups, nudge_at, due_at,
            next_check_at, status, breached)
        SELECT 'T' || (n % 100), 1, 1, 'C' || (n % 1000), n::text || '.000100',
            'U' || (n % 5000),
            :now - (:history - n) * interval '1 minute',
            :now - (:history - n) * interval '1 minute',
            0, :now, :now,
            CASE WHEN n <= :history - :open THEN NULL
                 WHEN n <= :history - :open + :due THEN :now - interval '1 second'
                 ELSE :now + (n % 500) * interval '1 hour' END,
            CASE WHEN n <= :history - :open THEN 'acknowledged' ELSE 'open' END, false
        FROM generate_series(1, :history) AS n
        """
    )
    with engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(statement, {"now": NOW, "history": HISTORY, "open": OPEN, "due": DUE})
        connection.execute(text("ANALYZE client_requests"))


def measure(engine: object) -> None:
    sessions = make_session_factory(engine)  # type: ignore[arg-type]
    timings = []
    for _ in range(20):
        with sessions() as session, session.begin():
            started = time.perf_counter()
            claimed = repo.claim_due(session, now=NOW, limit=DUE)
            timings.append((time.perf_counter() - started) * 1000)
            assert len(claimed) == DUE
            session.rollback()
    print(f"claim of {DUE} due among {OPEN} open in {HISTORY} requests:")
    print(f"  median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms (20 ticks)")
    query = repo.due_statement(now=NOW, limit=DUE)
    compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    with engine.begin() as connection:  # type: ignore[attr-defined]
        plan = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
        print("\n".join(plan))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres")
