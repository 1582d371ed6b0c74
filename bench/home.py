"""One person's home tab against a large workspace, on PostgreSQL.

Builds a scratch database with one workspace of 500 watched channels, 1,000,000 requests
(20,000 still open), 50,000 irritants with 100,000 reports, and a reader who is a member of
100 of the channels and owns a watch (a team lead); then times `home_content` (everything the
tab shows: waiting requests, exercises, reported irritants, the week's figures of five
channels and the overview) for that reader and for an admin, and counts its statements.
Usage: `python bench/home.py postgresql://postgres@127.0.0.1/postgres`.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, event, text

from bot.home.usecases import home_content
from bot.membership import Audience
from bot.tenancy import Workspace
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade

CHANNELS = 500
HISTORY = 1_000_000
OPEN = 20_000
IRRITANTS = 50_000
MEMBER_OF = 100
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TEAM = "T0BENCH"
READER = "U0LEAD"


def main(base: str) -> None:
    base = "postgresql+psycopg://" + base.split("://", 1)[1]
    name = f"home_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(base.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(engine)
        fill(engine)
        measure(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


FILL = [
    # One watch per channel (promise id = channel number), the reader owning the first one.
    """
    INSERT INTO promises (id, team_id, channel_id, kind, created_by, created_at)
    SELECT c, :team, 'C' || c, 'response_time', CASE WHEN c = 1 THEN :reader ELSE 'U0OWNER' END,
        :now - interval '400 days'
    FROM generate_series(1, :channels) AS c
    """,
    """
    INSERT INTO promise_versions (id, team_id, promise_id, number, text, made_by, valid_from,
        window_seconds, team_kind)
    SELECT c, :team, c, 1, '', CASE WHEN c = 1 THEN :reader ELSE 'U0OWNER' END,
        :now - interval '400 days', 14400, 'channel_members'
    FROM generate_series(1, :channels) AS c
    """,
    # A year of requests, one a ~30 s; the last OPEN still open.
    """
    INSERT INTO client_requests (team_id, promise_id, promise_version_id, channel_id, ts,
        requester, created_at, last_message_at, follow_ups, nudge_at, due_at, next_check_at,
        status, acknowledged_at, acknowledged_by, breached)
    SELECT :team, 1 + n % :channels, 1 + n % :channels, 'C' || (1 + n % :channels),
        n::text || '.000100', 'U0CLIENT' || (n % 5000),
        :now - (:history - n) * interval '30 seconds',
        :now - (:history - n) * interval '30 seconds', 0,
        :now - (:history - n) * interval '30 seconds' + interval '2 hours',
        :now - (:history - n) * interval '30 seconds' + interval '4 hours',
        NULL,
        CASE WHEN n <= :history - :open THEN 'acknowledged' ELSE 'open' END,
        CASE WHEN n <= :history - :open
             THEN :now - (:history - n) * interval '30 seconds' + (n % 300) * interval '1 minute'
        END,
        CASE WHEN n <= :history - :open THEN 'U0PICKER' || (n % 20) END,
        false
    FROM generate_series(1, :history) AS n
    """,
    """
    INSERT INTO irritants (id, team_id, channel_id, message_ts, message_text, text_status,
        status, status_changed_at, last_reported_at, created_at)
    SELECT i, :team, 'C' || (1 + i % :channels), i::text || '.000200', 'Irritant ' || i,
        'complete', CASE WHEN i % 3 = 0 THEN 'resolved' ELSE 'new' END,
        :now - (i % 400) * interval '1 day', :now - (i % 400) * interval '1 day',
        :now - (i % 400) * interval '1 day'
    FROM generate_series(1, :irritants) AS i
    """,
    """
    INSERT INTO irritant_votes (team_id, irritant_id, user_id, via, created_at)
    SELECT :team, 1 + v % :irritants,
        CASE WHEN v % 97 = 0 THEN :reader ELSE 'U0R' || (v % 3000) END, 'rage', :now
    FROM generate_series(1, 2 * :irritants) AS v
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO channel_members (team_id, channel_id, user_id)
    SELECT :team, 'C' || c, :reader FROM generate_series(1, :member_of) AS c
    """,
    "ANALYZE",
]


def fill(engine: Any) -> None:
    values = {
        "team": TEAM,
        "reader": READER,
        "now": NOW,
        "channels": CHANNELS,
        "history": HISTORY,
        "open": OPEN,
        "irritants": IRRITANTS,
        "member_of": MEMBER_OF,
    }
    with engine.begin() as connection:
        for statement in FILL:
            connection.execute(text(statement), values)


def measure(engine: Any) -> None:
    sessions = make_session_factory(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    member = Audience(
        user_id=READER,
        sees_all=False,
        channels=frozenset(f"C{c}" for c in range(1, MEMBER_OF + 1)),
    )
    admin = Audience(user_id=READER, sees_all=True)
    for label, audience in (("member of 100 channels", member), ("admin", admin)):
        timings = []
        for _ in range(10):
            statements.clear()
            with sessions() as session:
                started = time.perf_counter()
                content = home_content(session, ws=Workspace(TEAM), audience=audience, now=NOW)
                timings.append((time.perf_counter() - started) * 1000)
        assert content.overview is not None
        print(
            f"{label}: median {statistics.median(timings):.0f} ms, "
            f"max {max(timings):.0f} ms over 10, {len(statements)} statements; "
            f"{content.requests.total} requests waiting, {content.irritants.total} reported, "
            f"{content.overview.total} channels in the overview"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1/postgres")
