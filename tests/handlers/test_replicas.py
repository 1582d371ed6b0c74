"""Several journeybot replicas on one database never send the same outbox message twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import Engine, func, select

from bot.clock import FrozenClock
from bot.promises.rules import Team, WatchSetup
from bot.promises.usecases import set_watch
from bot.scheduler import run_job
from bot.tenancy import Workspace
from bot.wiring.app import make_core
from storage.db import make_session_factory
from storage.enums import WatchTeam
from storage.models import OutboxMessage
from tests.bot_server import RunningBot, running_bot
from tests.conftest import make_settings
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import reaction_event, send_event
from tests.handlers.watcher_fixtures import SCAN, alert_posts, client_writes, stored

REPORTS = 30
DUE_REQUESTS = 6  # one channel, paced at one post a second
MANY_DUE = 200  # one request in each of 200 watched channels: no channel's pace holds them up


def set_watch_for(slack: Slack, channel: str = CLIENTS) -> None:
    setup = WatchSetup(
        window=timedelta(hours=4),
        hours=None,
        team=Team(kind=WatchTeam.named_users, user_ids=(ANNA, BRUNO)),
        alert_channel_id=None,
        text="We acknowledge every request within 4h",
    )
    slack.runtime.in_transaction(
        set_watch,
        ws=Workspace(TEAM),
        channel_id=channel,
        setup=setup,
        actor_id=ANNA,
        now=slack.runtime.clock.now(),
    )


def test_three_replicas_share_the_outbox_without_duplicates(
    slack: Slack, db: Engine, database_url: str, clock: FrozenClock
) -> None:
    # Stop the first replica's own relay from racing ahead: reports are queued first.
    for index in range(REPORTS):
        ts = slack.standin.post_message(CLIENTS, user=CHLOE, text=f"pain {index}")
        assert send_event(slack, reaction_event(user=ANNA if index % 2 else BRUNO, ts=ts)) == 200
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    replicas = [slack.bot]
    contexts = []
    for _ in range(2):
        runtime = make_core(settings, make_session_factory(db), clock)
        context = running_bot(runtime, db)
        replicas.append(context.__enter__())
        contexts.append(context)
    try:
        barrier = threading.Barrier(len(replicas))

        def drain(replica: object) -> None:
            barrier.wait()
            replica.drain_outbox()  # type: ignore[attr-defined]

        threads = [threading.Thread(target=drain, args=(replica,)) for replica in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    sent = Counter(
        (call.args["channel"], call.args["user"], str(call.args["blocks"]))
        for call in slack.standin.calls("chat.postEphemeral")
        if call.http_status == 200
    )
    assert sum(sent.values()) == REPORTS
    assert max(sent.values()) == 1
    with slack.runtime.session_factory() as session:
        unsent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
    assert unsent == 0


def test_two_replicas_tick_the_watcher_at_once_and_each_nudge_goes_once(
    slack: Slack, db: Engine, database_url: str, clock: FrozenClock
) -> None:
    """Two bots on one database (PostgreSQL with TEST_DATABASE_URL): both schedulers tick at
    the same moment over the same due requests, both relays are woken; each nudge is
    decided once (rows claimed `FOR UPDATE SKIP LOCKED`, or the write lock on SQLite) and
    posted once."""
    set_watch_for(slack)
    clients = [f"U0CLIENT{index:02d}" for index in range(DUE_REQUESTS)]
    for client in clients:
        client_writes(slack, f"Question from {client}", user=client)
    clock.advance(timedelta(hours=3))
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    second = running_bot(make_core(settings, make_session_factory(db), clock), db)
    replicas = [slack.bot, second.__enter__()]
    try:
        barrier = threading.Barrier(len(replicas))
        decided: list[object] = []

        def tick(replica: RunningBot) -> None:
            barrier.wait()
            decided.append(run_job(replica.runtime, SCAN))

        threads = [threading.Thread(target=tick, args=(replica,)) for replica in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for replica in replicas:
            replica.drain_outbox(timeout=30)
    finally:
        second.__exit__(None, None, None)
    assert sum(result["nudged"] for result in decided) == DUE_REQUESTS  # type: ignore[index]
    posted = Counter(call["metadata"]["event_payload"]["request_id"] for call in alert_posts(slack))
    assert len(posted) == DUE_REQUESTS
    assert max(posted.values()) == 1
    assert all(request.nudged_at is not None for request in stored(slack))


def test_three_replicas_with_200_nudges_due_post_each_exactly_once(
    slack: Slack, db: Engine, database_url: str, clock: FrozenClock
) -> None:
    """Three bots on one database (PostgreSQL with TEST_DATABASE_URL): 200 nudges fall due at
    once; all three schedulers tick together, round after round, and all three relays send.
    200 `chat.postMessage` calls, no request nudged twice, every nudge decided once."""
    channels = [f"C0WATCH{index:03d}" for index in range(MANY_DUE)]
    threads = {}
    for channel in channels:
        slack.standin.add_channel(TEAM, channel, name=channel.lower(), members=[BOT_USER, ANNA])
        set_watch_for(slack, channel)
        threads[channel] = client_writes(slack, "Any news?", channel=channel)[0]
    clock.advance(timedelta(hours=3))
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    contexts = [
        running_bot(make_core(settings, make_session_factory(db), clock), db) for _ in range(2)
    ]
    replicas = [slack.bot, *(context.__enter__() for context in contexts)]
    decided: list[int] = []
    try:
        for _round in range(5):  # a tick takes at most 100 due requests
            barrier = threading.Barrier(len(replicas))

            def tick(replica: RunningBot, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                result = run_job(replica.runtime, SCAN)
                decided.append(result["nudged"])  # type: ignore[index]

            ticks = [threading.Thread(target=tick, args=(replica,)) for replica in replicas]
            for thread in ticks:
                thread.start()
            for thread in ticks:
                thread.join(60)
        drains = [
            threading.Thread(target=replica.drain_outbox, kwargs={"timeout": 60})
            for replica in replicas
        ]
        for thread in drains:
            thread.start()
        for thread in drains:
            thread.join(90)
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    assert sum(decided) == MANY_DUE
    posts = alert_posts(slack)
    assert len(posts) == MANY_DUE
    per_request = Counter(post["metadata"]["event_payload"]["request_id"] for post in posts)
    assert len(per_request) == MANY_DUE
    assert max(per_request.values()) == 1
    assert {post["channel"]: post["thread_ts"] for post in posts} == threads
    assert all(request.nudged_at is not None for request in stored(slack))
