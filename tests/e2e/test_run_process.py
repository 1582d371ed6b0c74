"""`journeybot run` as a real subprocess: HTTP mode, Socket Mode, SIGTERM, migrations."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.e2e.process import journeybot_process
from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, TEAM, populate
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, slash_command_body

pytestmark = pytest.mark.e2e
APP_TOKEN = "xapp-1-A0JOURNEY-1-e2e"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(app_token=APP_TOKEN) as running:
        populate(running)
        yield running


def test_http_mode_answers_help_and_stops_cleanly_on_sigterm(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
    }
    with journeybot_process(env, tmp_path) as bot:
        sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
        body = slash_command_body(
            text="aide",
            team_id=TEAM,
            user_id=BRUNO,
            channel_id=CLIENTS,
            trigger_id=standin.new_trigger_id(TEAM),
            response_url=standin.new_response_url(),
        )
        response = sender.post(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200
        assert response.elapsed_seconds < 3.0
        assert "Commandes de journeybot" in response.text
        assert bot.stop() == 0
        log = bot.log()
        assert "stopped" in log
        assert BOT_TOKEN not in log
        assert SIGNING_SECRET not in log


def test_socket_mode_answers_help_through_the_websocket(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": standin.api_url,
    }
    with journeybot_process(env, tmp_path) as bot:
        standin.socket_connected(timeout=15)
        payload = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": CLIENTS,
            "channel_name": "clients",
            "user_id": ANNA,
            "user_name": "anna",
            "command": "/journey",
            "text": "help",
            "api_app_id": "A0JOURNEY",
            "is_enterprise_install": "false",
            "response_url": standin.new_response_url(),
            "trigger_id": standin.new_trigger_id(TEAM),
        }
        ack = standin.send_envelope(
            "slash_commands", payload, accepts_response_payload=True, timeout=3.0
        )
        answer = ack["payload"]
        assert answer["response_type"] == "ephemeral"
        assert "journeybot commands" in json.dumps(answer["blocks"])
        # No HTTP request carried it, yet it is counted and timed like one.
        from tests.e2e.test_operations_process import metric

        assert metric(bot, "journeybot_requests_total", kind="command", outcome="ok") == 1
        assert metric(bot, "journeybot_ack_seconds_count", kind="command") == 1
        assert bot.stop() == 0
        assert APP_TOKEN not in bot.log()


def test_run_refuses_an_unmigrated_postgres_database(tmp_path: Path) -> None:
    from tests.db import scratch_database, test_database_base_url

    if not (test_database_base_url() or "").startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    with scratch_database(tmp_path) as url:
        env = {
            "PATH": "/usr/bin:/bin",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "DATABASE_URL": url,
        }
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 3
        assert "journeybot migrate" in result.stderr
        # The release job has the database URL and nothing of Slack's.
        migrated = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            env={"PATH": env["PATH"], "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert migrated.returncode == 0, migrated.stderr


def test_a_reaction_acknowledged_with_200_survives_a_kill(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    """SIGKILL right after the 200: on restart the report is there and its confirmation is sent."""
    import signal

    from tests.handlers.payloads import reaction_event
    from tests.slack_standin.inbound import event_callback_body

    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
    }
    ts = standin.post_message(CLIENTS, user=ANNA, text="I was charged twice")
    # The first confirmation attempt fails, so the outbox row is still unsent at the kill.
    standin.inject("chat.postEphemeral", status=500, times=1)
    with journeybot_process(env, tmp_path) as bot:
        sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
        body = event_callback_body(
            reaction_event(user=BRUNO, ts=ts), team_id=TEAM, event_id="EvKILL0001"
        )
        assert sender.post(body, content_type="application/json").status == 200
        standin.wait_for("chat.postEphemeral", timeout=10)
        # Kill once the failed attempt is settled (its lease released), as in a crash
        # between two deliveries; a kill inside the attempt would wait out the 60 s lease.
        _wait_for_retry_scheduled(tmp_path / "e2e.db")
        bot.process.send_signal(signal.SIGKILL)
        bot.process.wait(10)
    with journeybot_process(env, tmp_path) as bot:
        delivered = standin.wait_for(
            "chat.postEphemeral", timeout=20, predicate=lambda call: call.http_status == 200
        )
        assert len(delivered) == 1
        assert delivered[0].args["user"] == BRUNO
        # A redelivery of the same event by Slack after the restart changes nothing.
        sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
        body = event_callback_body(
            reaction_event(user=BRUNO, ts=ts), team_id=TEAM, event_id="EvKILL0001"
        )
        assert sender.post(body, content_type="application/json", retry_num=1).status == 200
        assert bot.stop() == 0
    successful = [c for c in standin.calls("chat.postEphemeral") if c.http_status == 200]
    assert len(successful) == 1


def _wait_for_retry_scheduled(database: Path, timeout: float = 10.0) -> None:
    import sqlite3
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute(
                "SELECT count(*) FROM outbox WHERE kind = 'confirm_report' "
                "AND last_error IS NOT NULL AND claimed_until IS NULL"
            ).fetchone()
        if row[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the failed confirmation was never rescheduled")
