"""`journeybot run` processes and the watcher: a nudge that fell due survives a SIGKILL (sent
once after the restart), and two replicas on one database post a due nudge once."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.db import migrated_engine, scratch_database
from tests.e2e.process import journeybot_process
from tests.handlers.conftest import ANNA, CLIENTS, TEAM, populate
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, event_callback_body, slash_command_body

pytestmark = pytest.mark.e2e
CLIENT = "U0CLIENT"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        populate(running)
        yield running


def _nudges(standin: SlackStandIn) -> list[object]:
    return [
        call
        for call in standin.calls("chat.postMessage")
        if call.ok
        and isinstance(call.args.get("metadata"), dict)
        and call.args["metadata"]["event_payload"]["action"] == "nudge"
    ]


def _wait_for_alert_retry(database: Path, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute(
                "SELECT count(*) FROM outbox WHERE kind = 'request_alert' "
                "AND last_error IS NOT NULL AND claimed_until IS NULL AND sent_at IS NULL"
            ).fetchone()
        if row[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the failed nudge was never rescheduled")


def test_a_nudge_decided_before_a_kill_is_sent_once_after_the_restart(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
    }
    # The first nudge attempt fails, so the alert is decided and stored but not sent at the kill.
    standin.inject("chat.postMessage", status=500, times=1)
    with journeybot_process(env, tmp_path) as bot:
        sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
        watch = slash_command_body(
            text=f"watch 30s team <@{ANNA}|anna>",
            team_id=TEAM,
            user_id=ANNA,
            channel_id=CLIENTS,
            trigger_id=standin.new_trigger_id(TEAM),
            response_url=standin.new_response_url(),
        )
        assert sender.post(watch, content_type="application/x-www-form-urlencoded").status == 200
        ts = standin.post_message(CLIENTS, user=CLIENT, text="Where is my invoice?")
        message = {
            "type": "message",
            "channel": CLIENTS,
            "user": CLIENT,
            "text": "Where is my invoice?",
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
        }
        body = event_callback_body(message, team_id=TEAM, event_id="EvWATCHKILL1")
        assert sender.post(body, content_type="application/json").status == 200
        _wait_for_alert_retry(tmp_path / "e2e.db")
        bot.process.send_signal(signal.SIGKILL)
        bot.process.wait(10)
    assert _nudges(standin) == []
    with journeybot_process(env, tmp_path) as bot:
        standin.wait_for(
            "chat.postMessage",
            timeout=20,
            predicate=lambda call: call in _nudges(standin),
        )
        assert bot.stop() == 0
    [nudge] = _nudges(standin)
    assert nudge.args["thread_ts"] == ts  # type: ignore[attr-defined]


def test_two_replicas_on_one_database_post_a_due_nudge_once(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    """Two `journeybot run` on one database (PostgreSQL with TEST_DATABASE_URL, else one
    SQLite file): the watch is set through one, the client's message arrives through the
    other, and both schedulers tick every second over the same due request."""
    with scratch_database(tmp_path) as url:
        migrated_engine(url).dispose()
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": url,
        }
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with (
            journeybot_process(env, tmp_path / "a") as first,
            journeybot_process(env, tmp_path / "b") as second,
        ):
            watch = slash_command_body(
                text=f"watch 30s team <@{ANNA}|anna>",
                team_id=TEAM,
                user_id=ANNA,
                channel_id=CLIENTS,
                trigger_id=standin.new_trigger_id(TEAM),
                response_url=standin.new_response_url(),
            )
            to_first = SlackSender(f"{first.url}/slack/events", SIGNING_SECRET)
            assert (
                to_first.post(watch, content_type="application/x-www-form-urlencoded").status == 200
            )
            ts = standin.post_message(CLIENTS, user=CLIENT, text="Where is my invoice?")
            message = {
                "type": "message",
                "channel": CLIENTS,
                "user": CLIENT,
                "text": "Where is my invoice?",
                "ts": ts,
                "event_ts": ts,
                "channel_type": "channel",
            }
            body = event_callback_body(message, team_id=TEAM, event_id="EvWATCHTWO1")
            to_second = SlackSender(f"{second.url}/slack/events", SIGNING_SECRET)
            assert to_second.post(body, content_type="application/json").status == 200
            # The nudge point of a 30 s window is 22.5 s in.
            standin.wait_for(
                "chat.postMessage", timeout=45, predicate=lambda call: call in _nudges(standin)
            )
            time.sleep(3.0)  # three more ticks of each scheduler: room for a second post
            assert first.stop() == 0
            assert second.stop() == 0
    [nudge] = _nudges(standin)
    assert nudge.args["thread_ts"] == ts  # type: ignore[attr-defined]
