"""One digest per channel per week, whatever happens between Slack and our database: a crash
after Slack's answer and before the relay's record, two replicas on one database, and 429s
from Slack. Driven through the scheduler's job and the outbox relay against the stand-in."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Engine, update

from bot.clock import FrozenClock
from bot.digests.feature import FEATURE
from bot.digests.schedule import DigestSchedule
from bot.digests.usecases import set_digest
from bot.scheduler import run_job
from bot.tenancy import Workspace
from bot.wiring.app import make_core
from storage.db import make_session_factory
from storage.models import OutboxMessage
from tests.bot_server import running_bot
from tests.conftest import make_settings
from tests.handlers.conftest import ANNA, BOT_USER, CLIENTS, TEAM, Slack
from tests.handlers.test_digests_over_http import add_request, digests, set_clock, tick
from tests.handlers.watcher_fixtures import WatchChannel

pytest_plugins = ["tests.handlers.watcher_fixtures"]

DIGESTS = next(job for job in FEATURE.jobs if job.id == "weekly-digests")
MONDAY_NINE_PARIS = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
EVERY_MONDAY = DigestSchedule(weekday=0, at=time(9, 0), timezone="Europe/Paris")


def schedule_digests(slack: Slack, channels: list[str]) -> None:
    """Channels (the bot among their members) with a digest every Monday, 09:00 in Paris."""
    set_clock(slack, MONDAY_NINE_PARIS - timedelta(days=5))
    for channel in channels:
        if channel != CLIENTS:
            slack.standin.add_channel(TEAM, channel, name=channel.lower(), members=[BOT_USER])
        slack.runtime.in_transaction(
            set_digest,
            ws=Workspace(TEAM),
            channel_id=channel,
            schedule=EVERY_MONDAY,
            user_id=ANNA,
            now=slack.runtime.clock.now(),
        )


def forget_sent(slack: Slack) -> None:
    """The state a crash leaves after Slack answered and before the relay recorded it, once
    the relay's lease ran out: the digest's outbox message is due again."""
    with slack.runtime.session_factory.begin() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "weekly_digest")
            .values(sent_at=None, claimed_until=None)
        )


def week_with_figures(slack: Slack, watched: WatchChannel) -> None:
    watched()
    monday = MONDAY_NINE_PARIS - timedelta(days=7)
    add_request(
        slack, 1, "1700000001.000100", monday + timedelta(hours=2),
        acknowledged_after=timedelta(hours=1), by=ANNA,
    )  # fmt: skip


def test_a_digest_redelivered_after_a_crash_is_not_posted_again(
    slack: Slack, watched: WatchChannel
) -> None:
    schedule_digests(slack, [CLIENTS])
    week_with_figures(slack, watched)
    set_clock(slack, MONDAY_NINE_PARIS)
    tick(slack)
    assert len(digests(slack)) == 1
    assert len(slack.standin.uploaded_files()) == 1
    forget_sent(slack)
    slack.bot.drain_outbox()
    # The sender read the channel, found its own tag for this channel and week, and stopped.
    assert len(digests(slack)) == 1
    assert len(slack.standin.uploaded_files()) == 1
    [*_, looked] = slack.standin.calls("conversations.history")
    assert looked.args["include_all_metadata"] in (True, "true", "1")


def test_a_crash_between_the_digest_and_its_chart_completes_the_chart_only(
    slack: Slack, watched: WatchChannel
) -> None:
    schedule_digests(slack, [CLIENTS])
    week_with_figures(slack, watched)
    set_clock(slack, MONDAY_NINE_PARIS)
    slack.standin.inject("files.getUploadURLExternal", error="internal_error")
    tick(slack)  # the digest is posted, its chart fails: the relay will try again
    assert len(digests(slack)) == 1
    assert slack.standin.uploaded_files() == []
    set_clock(slack, MONDAY_NINE_PARIS + timedelta(minutes=5))  # past the relay's back-off
    slack.bot.drain_outbox()
    assert len(digests(slack)) == 1
    [chart] = slack.standin.uploaded_files()
    assert chart.thread_ts == digests_ts(slack)
    forget_sent(slack)
    slack.bot.drain_outbox()
    assert len(slack.standin.uploaded_files()) == 1  # the chart is found in the thread too


def digests_ts(slack: Slack) -> str:
    [posted] = [
        call
        for call in slack.standin.calls("chat.postMessage")
        if call.ok and call.args.get("metadata", {}).get("event_type") == "journeybot_digest"
    ]
    return str(posted.response["ts"])


def test_two_replicas_on_one_database_post_each_due_digest_once(
    slack: Slack, db: Engine, database_url: str, clock: FrozenClock
) -> None:
    channels = [CLIENTS, *(f"C0DIGEST{index:02d}" for index in range(11))]
    schedule_digests(slack, channels)
    set_clock(slack, MONDAY_NINE_PARIS)
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    second = running_bot(make_core(settings, make_session_factory(db), clock), db)
    replicas = [slack.bot, second.__enter__()]
    try:
        barrier = threading.Barrier(len(replicas))

        def replica_tick(replica: object) -> None:
            barrier.wait()
            run_job(replica.runtime, DIGESTS)  # type: ignore[attr-defined]
            replica.drain_outbox()  # type: ignore[attr-defined]

        threads = [threading.Thread(target=replica_tick, args=(r,)) for r in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for replica in replicas:
            run_job(replica.runtime, DIGESTS)  # a later tick on either finds nothing due
            replica.drain_outbox()
    finally:
        second.__exit__(None, None, None)
    posted = Counter(args["channel"] for args in digests(slack))
    assert set(posted) == set(channels)
    assert max(posted.values()) == 1


def test_injected_429s_delay_digests_but_none_is_lost_or_doubled(slack: Slack) -> None:
    channels = [CLIENTS, *(f"C0PACED{index:02d}" for index in range(5))]
    schedule_digests(slack, channels)
    set_clock(slack, MONDAY_NINE_PARIS)
    slack.standin.inject("chat.postMessage", status=429, retry_after=1, times=4)
    slack.standin.inject("conversations.history", status=429, retry_after=1, times=2)
    run_job(slack.runtime, DIGESTS)
    for _minute in range(10):  # the relay's back-off runs on the injected clock
        slack.bot.drain_outbox(timeout=30)
        set_clock(slack, slack.runtime.clock.now() + timedelta(minutes=1))
    posted = Counter(args["channel"] for args in digests(slack))
    assert posted == Counter(channels)
    refused = [call for call in slack.standin.calls("chat.postMessage") if call.http_status == 429]
    assert len(refused) == 4
    # A refused post is tried again in its channel only once Retry-After (1 s) has passed.
    for refusal in refused:
        retried = [
            call.at - refusal.at
            for call in slack.standin.calls("chat.postMessage")
            if call.ok and call.at > refusal.at and call.args["channel"] == refusal.args["channel"]
        ]
        assert min(retried) >= 1.0
    with slack.runtime.session_factory() as session:
        pending = session.query(OutboxMessage).filter(OutboxMessage.sent_at.is_(None)).count()
    assert pending == 0


def test_a_redelivery_finds_its_digest_past_a_busy_channels_first_page(slack: Slack) -> None:
    schedule_digests(slack, [CLIENTS])
    set_clock(slack, MONDAY_NINE_PARIS)
    tick(slack)
    for index in range(450):  # the team talked a lot before the redelivery
        slack.standin.post_message(CLIENTS, user=ANNA, text=f"message {index}")
    forget_sent(slack)
    slack.bot.drain_outbox()
    assert len(digests(slack)) == 1
    pages = slack.standin.calls("conversations.history")[-3:]
    assert [bool(call.args.get("cursor")) for call in pages] == [False, True, True]
