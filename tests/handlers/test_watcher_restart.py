"""Nudges that fall due while the bot is stopped are sent once each after the restart, late,
and say so.

Over signed HTTP against the stand-in, with the injected clock. "Stopped" is no scheduler
tick at all; the restart is a fresh bot (its own core, relay and scheduler job) on the same
database, as a new process would be.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.clock import FrozenClock
from bot.scheduler import run_job
from bot.wiring.app import make_core
from storage.db import make_session_factory
from tests.bot_server import running_bot
from tests.conftest import make_settings
from tests.handlers.conftest import Slack
from tests.handlers.watcher_fixtures import (
    SCAN,
    WatchChannel,
    alert_posts,
    blocks_text,
    client_writes,
    stored,
    tick,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

REQUESTS = 5
WINDOW = timedelta(hours=1)  # the nudge is at three quarters: 45 minutes in
STOP = timedelta(minutes=10)


def test_a_ten_minute_stop_with_five_nudges_due_sends_each_once_marked_late(
    slack: Slack,
    watched: WatchChannel,
    db: Engine,
    database_url: str,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    watched(window=WINDOW)
    threads = []
    for index in range(REQUESTS):  # one a minute: nudges due at 45, 46, 47, 48 and 49 min
        # Five clients: one client's further messages would be follow-ups of one request.
        ts, _event = client_writes(slack, "Where is my invoice?", user=f"U0CLIENT{index}")
        threads.append(ts)
        clock.advance(timedelta(minutes=1))
    # 44 minutes after the first request: the last tick before the stop finds nothing due.
    tick(slack, timedelta(minutes=44) - timedelta(minutes=REQUESTS))
    assert alert_posts(slack) == []
    # Stopped for 10 minutes: no tick while all five nudges fall due.
    clock.advance(STOP)
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    caplog.set_level(logging.INFO, logger="bot.watcher.due")
    with running_bot(make_core(settings, make_session_factory(db), clock), db) as restarted:
        for _ in range(3):  # the restart's first ticks, then later ones: nothing more to send
            assert run_job(restarted.runtime, SCAN) is not None
            restarted.drain_outbox()
            clock.advance(timedelta(seconds=30))
    posts = alert_posts(slack)
    by_thread = Counter(post["thread_ts"] for post in posts)
    assert by_thread == dict.fromkeys(threads, 1)
    assert {post["metadata"]["event_payload"]["action"] for post in posts} == {"nudge"}
    # Each nudge says how long its request has really waited (54 down to 50 minutes), not
    # the 45 minutes of the nudge point.
    waited = {post["thread_ts"]: blocks_text(post) for post in posts}
    for index, ts in enumerate(threads):
        assert f"has waited {54 - index} minutes" in waited[ts]
    # And each is recorded as late, by how long after it fell due it went (9 down to 5 min).
    late = sorted(
        int(found.group(1))
        for record in caplog.records
        if (found := re.search(r": nudge late by (\d+) s", record.getMessage()))
    )
    assert late == [300, 360, 420, 480, 540]
    assert all(request.nudged_at is not None for request in stored(slack))
