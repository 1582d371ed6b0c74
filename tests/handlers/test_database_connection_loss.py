"""The bot survives losing its database connections (RELIABILITY.md row 20), on PostgreSQL.

While Slack delivers a stream of events, every backend of the bot's database is terminated
(`pg_terminate_backend`, what a PostgreSQL restart or failover does to a client). At most
the requests in flight then fail, never more than one per killed connection; each failed one
answered 5xx, so Slack's retry stores it; nothing acknowledged is lost or stored twice; and
the next request after the kill succeeds (a dropped connection is retried once on a fresh
one).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from storage.models import Irritant
from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import reaction_event
from tests.slack_standin.inbound import Response

SENDERS = 3
EVENTS_EACH = 10
KILL_AFTER = 10  # responses


def _terminate_backends(database_url: str) -> int:
    """Kill every other session on the bot's database; returns how many were killed."""
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                    "FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            return int(killed)
    finally:
        admin.dispose()


def test_terminated_connections_cost_at_most_the_requests_in_flight(
    slack: Slack, db: Engine, database_url: str
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("terminating backends is a PostgreSQL server function")
    messages = [
        slack.standin.post_message(CLIENTS, user=CHLOE, text=f"Complaint number {n:03d} here")
        for n in range(SENDERS * EVENTS_EACH)
    ]
    first_attempts: list[Response] = []
    final: dict[str, Response] = {}
    lock = threading.Lock()

    def send(share: list[str]) -> None:
        for ts in share:
            event = reaction_event(user=ANNA, ts=ts, item_user=CHLOE)
            responses = slack.sender.deliver_event(
                event, team_id=TEAM, event_id=f"EvDROP{ts.replace('.', '')}"
            )
            with lock:
                first_attempts.append(responses[0])
                final[ts] = responses[-1]

    threads = [threading.Thread(target=send, args=(messages[n::SENDERS],)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    while True:  # wait for the run to be under way (no timing is asserted)
        with lock:
            if len(first_attempts) >= KILL_AFTER:
                break
        time.sleep(0.005)
    killed = _terminate_backends(database_url)
    for thread in threads:
        thread.join(120)

    assert killed > 0
    failed_first = [r for r in first_attempts if not 200 <= r.status < 300]
    assert len(failed_first) <= killed
    assert all(500 <= r.status < 600 for r in failed_first)  # a 5xx, so Slack retries
    assert {ts: r.status for ts, r in final.items()} == dict.fromkeys(messages, 200)
    with slack.runtime.session_factory() as session:
        stored = dict(
            session.execute(
                select(Irritant.message_ts, func.count()).group_by(Irritant.message_ts)
            ).all()
        )
    assert stored == dict.fromkeys(messages, 1)

    # The next request after the kill, on connections made afresh.
    _terminate_backends(database_url)
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="One more complaint after that")
    response = slack.sender.event(
        reaction_event(user=ANNA, ts=ts, item_user=CHLOE), team_id=TEAM, event_id="EvDROPNEXT"
    )
    assert response.status == 200
