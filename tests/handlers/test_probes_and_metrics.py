"""/healthz, /readyz and /metrics of the in-process bot, over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, create_engine, text

from bot.clock import FrozenClock
from bot.wiring.health import ReadinessCheck
from storage.db import make_engine
from storage.repositories import outbox
from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.payloads import command, reaction_event, send_event


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def scrape(slack: Slack) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, keyed by (name, sorted labels)."""
    status, headers, body = get(f"{slack.bot.url}/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_healthz_is_liveness_and_readyz_checks_the_database(slack: Slack) -> None:
    status, _headers, body = get(f"{slack.bot.url}/healthz")
    assert (status, json.loads(body)["status"]) == (200, "alive")
    status, headers, body = get(f"{slack.bot.url}/readyz")
    assert status == 200
    assert json.loads(body) == {"ok": True, "status": "ok"}
    assert headers["X-Request-Id"]


def test_readiness_fails_on_an_unmigrated_or_unreachable_database(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with empty.begin() as connection:
        connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
    assert ReadinessCheck(empty).check() == (False, "database not migrated")
    empty.dispose()
    nowhere: Engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert ReadinessCheck(nowhere).check() == (False, "database unreachable")


def test_requests_are_counted_by_kind_and_outcome_with_their_ack_time(slack: Slack) -> None:
    before = scrape(slack)
    assert command(slack, "help", user=ANNA)[0] == 200
    ts = slack.standin.post_message(CLIENTS, user=ANNA, text="billed twice")
    assert send_event(slack, reaction_event(user=BRUNO, ts=ts)) == 200
    forged = slack.sender.post("{}", content_type="application/json", signature="v0=bad")
    assert forged.status == 401
    after = scrape(slack)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("journeybot_requests_total", kind="command", outcome="ok") == 1
    assert delta("journeybot_requests_total", kind="event:reaction_added", outcome="ok") == 1
    assert delta("journeybot_requests_total", kind="unverified", outcome="rejected") == 1
    assert delta("journeybot_ack_seconds_count", kind="command") == 1
    assert delta("journeybot_ack_seconds_bucket", kind="command", le="3.0") == 1
    assert delta("journeybot_ack_seconds_bucket", kind="command", le="+Inf") == 1
    # The metric names exist before anything happens, so dashboards and alerts can rely on them.
    for family in ("journeybot_nudges_sent", "journeybot_digests_sent"):
        assert any(name.startswith(family) for name, _labels in after), family


def test_outbox_depth_and_due_work_lag_are_read_at_scrape_time(
    slack: Slack, clock: FrozenClock
) -> None:
    # The relay, woken by the commit, would give the due message up (no sender has its kind)
    # before the scrape: stopped, it leaves the queue as written.
    slack.bot.call(slack.bot.app.relay.stop())
    with slack.runtime.session_factory.begin() as session:
        for delay in (timedelta(0), timedelta(hours=1)):
            outbox.enqueue(
                session,
                team_id=TEAM,
                enterprise_id=None,
                kind="nobody_sends_this",
                payload={},
                now=clock.now() - timedelta(seconds=90),
                delay=delay,
            )
    samples = scrape(slack)
    assert value(samples, "journeybot_database_up") == 1
    assert value(samples, "journeybot_outbox_depth") == 2
    # The due message has waited 90 s; the one due in an hour is not late.
    lag = value(samples, "journeybot_due_work_lag_seconds", queue="outbox")
    assert 90 <= lag < 120
    with slack.runtime.session_factory() as session:
        assert outbox.pending_count(session, team_id=TEAM) == 2


def test_slack_api_errors_and_retries_are_counted(slack: Slack) -> None:
    before = scrape(slack)
    slack.standin.inject("chat.postEphemeral", status=429, retry_after=0, times=1)
    slack.standin.inject("conversations.history", error="channel_not_found", times=1)
    ts = slack.standin.post_message(CLIENTS, user=ANNA, text="lost parcel")
    assert send_event(slack, reaction_event(user=BRUNO, ts=ts)) == 200
    slack.bot.drain_outbox()
    after = scrape(slack)
    retried = value(after, "journeybot_slack_api_retries_total", reason="rate_limited")
    assert retried - value(before, "journeybot_slack_api_retries_total", reason="rate_limited") >= 1
    errors = sum(
        sample - before.get(key, 0.0)
        for key, sample in after.items()
        if key[0] == "journeybot_slack_api_errors_total"
    )
    assert errors >= 1


def test_an_echoed_request_id_must_look_like_one(slack: Slack) -> None:
    _status, headers, _body = get(f"{slack.bot.url}/healthz", {"X-Request-Id": "lb-req-12345678"})
    assert headers["X-Request-Id"] == "lb-req-12345678"
    _status, headers, _body = get(f"{slack.bot.url}/healthz", {"X-Request-Id": "bad id\tx"})
    assert headers["X-Request-Id"] != "bad id\tx"
    assert len(headers["X-Request-Id"]) == 32
