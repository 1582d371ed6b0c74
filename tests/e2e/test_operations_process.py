"""Operating `journeybot run` as real processes: probes, metrics, JSON logs, two replicas.

The replica test runs on the suite's database: PostgreSQL when TEST_DATABASE_URL points at
it (the deployed topology), otherwise one SQLite file shared by both processes.
"""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from storage.db import make_engine
from storage.models import OutboxMessage
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.db import migrated_engine, scratch_database
from tests.e2e.process import BotProcess, journeybot_process
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, TEAM, populate
from tests.handlers.payloads import new_event_id, reaction_event
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, event_callback_body, slash_command_body

pytestmark = pytest.mark.e2e
REPORTS_PER_REPLICA = 8


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        populate(running)
        yield running


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def metric(bot: BotProcess, name: str, **labels: str) -> float:
    status, body = http_get(f"{bot.url}/metrics")
    assert status == 200
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def help_command(standin: SlackStandIn, user: str = ANNA) -> str:
    return slash_command_body(
        text="help",
        team_id=TEAM,
        user_id=user,
        channel_id=CLIENTS,
        trigger_id=standin.new_trigger_id(TEAM),
        response_url=standin.new_response_url(),
    )


def test_readyz_metrics_and_json_logs_of_a_running_bot(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "LOG_FORMAT": "json",
    }
    with journeybot_process(env, tmp_path) as bot:
        assert http_get(f"{bot.url}/healthz")[0] == 200
        status, body = http_get(f"{bot.url}/readyz")
        assert (status, json.loads(body)) == (200, {"ok": True, "status": "ok"})

        sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
        body = help_command(standin)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-Id": "e2e-request-0001",
        }
        from tests.slack_standin.inbound import sign

        response = sender.raw_post(body, headers={**headers, **sign(body, SIGNING_SECRET)})
        assert response.status == 200
        assert response.headers["X-Request-Id"] == "e2e-request-0001"
        secret_text = "the client was charged twice for order 4417"  # pragma: allowlist secret
        ts = standin.post_message(CLIENTS, user=ANNA, text=secret_text)
        event = event_callback_body(
            reaction_event(user=BRUNO, ts=ts), team_id=TEAM, event_id=new_event_id()
        )
        assert sender.post(event, content_type="application/json").status == 200
        standin.wait_for("chat.postEphemeral", timeout=10)

        assert metric(bot, "journeybot_requests_total", kind="command", outcome="ok") == 1
        assert metric(bot, "journeybot_ack_seconds_count", kind="command") == 1
        kind = "event:reaction_added"
        assert metric(bot, "journeybot_requests_total", kind=kind, outcome="ok") == 1
        assert metric(bot, "journeybot_database_up") == 1
        assert metric(bot, "journeybot_outbox_depth") == 0
        assert bot.stop() == 0

    lines = bot.log().splitlines()
    assert lines
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    for record in records:
        assert {"time", "level", "logger", "message", "request_id"} <= set(record)
    tagged = [record for record in records if record["request_id"] == "e2e-request-0001"]
    assert any("command" in str(record["message"]) for record in tagged), tagged
    assert any(record["message"] == "stopped" for record in records)
    text = bot.log()
    for secret in (BOT_TOKEN, SIGNING_SECRET, secret_text):
        assert secret not in text


def test_two_replicas_share_one_database_without_duplicating_work(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    with scratch_database(tmp_path) as url:
        # The release step first (`journeybot migrate` with DATABASE_URL alone is tested in
        # tests/unit/test_command_settings.py), then the replicas.
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
            replicas = [first, second]
            for bot in replicas:
                assert http_get(f"{bot.url}/readyz")[0] == 200
                sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
                response = sender.post(
                    help_command(standin), content_type="application/x-www-form-urlencoded"
                )
                assert response.status == 200
                assert "journeybot" in response.text

            messages = [
                [
                    standin.post_message(CLIENTS, user=CHLOE, text=f"pain {index}-{replica}")
                    for index in range(REPORTS_PER_REPLICA)
                ]
                for replica in range(len(replicas))
            ]
            # Both replicas take reports at once; each commit wakes that replica's outbox
            # relay, so the two relays race for the same rows.
            barrier = threading.Barrier(len(replicas))
            statuses: list[int] = []

            def report(bot: BotProcess, stamps: list[str]) -> None:
                sender = SlackSender(f"{bot.url}/slack/events", SIGNING_SECRET)
                barrier.wait()
                for ts in stamps:
                    body = event_callback_body(
                        reaction_event(user=BRUNO, ts=ts), team_id=TEAM, event_id=new_event_id()
                    )
                    statuses.append(sender.post(body, content_type="application/json").status)

            threads = [
                threading.Thread(target=report, args=(bot, stamps))
                for bot, stamps in zip(replicas, messages, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert statuses == [200] * (REPORTS_PER_REPLICA * len(replicas))
            total = REPORTS_PER_REPLICA * len(replicas)
            standin.wait_for(
                "chat.postEphemeral",
                count=total,
                timeout=20,
                predicate=lambda call: call.http_status == 200,
            )
            _wait_for_settled_outbox(url)
            time.sleep(0.5)  # room for a duplicate to show up, if there were one
            for bot in replicas:
                kind = "event:reaction_added"
                handled = metric(bot, "journeybot_requests_total", kind=kind, outcome="ok")
                assert handled == REPORTS_PER_REPLICA
            for bot in replicas:  # SIGTERM both first, so the two clean stops overlap
                bot.process.send_signal(signal.SIGTERM)
            codes = [bot.process.wait(20) for bot in replicas]
            assert codes == [0, 0], "\n".join(bot.log() for bot in replicas)
        sent = Counter(
            (call.args["user"], str(call.args["blocks"]))
            for call in standin.calls("chat.postEphemeral")
            if call.http_status == 200
        )
        assert sum(sent.values()) == total
        assert max(sent.values()) == 1


def _wait_for_settled_outbox(url: str, timeout: float = 20.0) -> None:
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                pending = connection.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
                )
            if not pending:
                return
            time.sleep(0.05)
        raise AssertionError(f"{pending} outbox message(s) never settled")
    finally:
        engine.dispose()
