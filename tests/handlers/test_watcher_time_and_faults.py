"""The watcher's clock over a weekend and a DST change, Slack Connect, and Slack's failures.

Over signed HTTP against the stand-in, with the injected clock; the watch is set with the
`/journey watch` one-liner where the scenario allows it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.windows import BusinessHours
from storage.enums import RequestStatus
from tests.handlers.conftest import ANNA, BRUNO, Slack
from tests.handlers.payloads import command
from tests.handlers.watcher_fixtures import (
    CLIENT,
    WatchChannel,
    alert_posts,
    client_writes,
    stored,
    tick,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

PARIS = ZoneInfo("Europe/Paris")
OFFICE = BusinessHours("Europe/Paris")  # Monday to Friday, 09:00–17:00


def set_clock(slack: Slack, moment: datetime) -> None:
    slack.bot.runtime.clock.set(moment)  # type: ignore[attr-defined]


def test_a_friday_request_waits_over_the_weekend_and_the_dst_change(
    slack: Slack, watched: WatchChannel
) -> None:
    # Paris moves to summer time on Sunday 28 March 2027.
    friday = datetime(2027, 3, 26, 16, 0, tzinfo=PARIS)
    set_clock(slack, friday)
    watched(hours=OFFICE)
    client_writes(slack)
    [request] = stored(slack)
    assert request.nudge_at == datetime(2027, 3, 29, 11, 0, tzinfo=PARIS)  # 3 business hours
    assert request.due_at == datetime(2027, 3, 29, 12, 0, tzinfo=PARIS)
    assert request.due_at.astimezone(UTC).hour == 10  # UTC+2 after the change
    for moment in (
        datetime(2027, 3, 26, 17, 0, tzinfo=PARIS),
        datetime(2027, 3, 27, 11, 0, tzinfo=PARIS),  # Saturday
        datetime(2027, 3, 28, 3, 30, tzinfo=PARIS),  # Sunday, just after the change
        datetime(2027, 3, 29, 10, 59, tzinfo=PARIS),
    ):
        set_clock(slack, moment)
        tick(slack)
        assert alert_posts(slack) == []
    set_clock(slack, datetime(2027, 3, 29, 11, 0, tzinfo=PARIS))
    tick(slack)
    assert [p["metadata"]["event_payload"]["action"] for p in alert_posts(slack)] == ["nudge"]
    set_clock(slack, datetime(2027, 3, 29, 12, 0, tzinfo=PARIS))
    tick(slack)
    assert [p["metadata"]["event_payload"]["action"] for p in alert_posts(slack)] == [
        "nudge",
        "escalate",
    ]


def test_what_fell_due_at_closing_time_is_sent_when_the_team_opens(
    slack: Slack, watched: WatchChannel
) -> None:
    set_clock(slack, datetime(2027, 3, 26, 13, 0, tzinfo=PARIS))  # Friday
    watched(hours=OFFICE)
    client_writes(slack)
    # The bot is down from 14:00 Friday to Monday 09:30: nothing is sent over the weekend,
    # and on Monday only the escalation goes (the nudge fell due with it).
    set_clock(slack, datetime(2027, 3, 27, 10, 0, tzinfo=PARIS))
    tick(slack)
    assert alert_posts(slack) == []
    set_clock(slack, datetime(2027, 3, 29, 9, 30, tzinfo=PARIS))
    tick(slack)
    assert [p["metadata"]["event_payload"]["action"] for p in alert_posts(slack)] == ["escalate"]


def test_a_watch_set_with_the_one_liner_over_slack_connect(slack: Slack) -> None:
    # The team is the channel's members from our own workspace: Anna replying is the team,
    # the partner's people are clients.
    status, _ack, _url = command(slack, "watch 4h", user=ANNA)
    assert status == 200
    ts, _id = client_writes(slack, user=CLIENT)  # user_team is the partner's workspace
    client_writes(slack, "Internal note", user=BRUNO)  # our own people: not a request
    [request] = stored(slack)
    assert request.requester == CLIENT
    tick(slack, timedelta(hours=3))
    [nudge] = alert_posts(slack)
    assert nudge["thread_ts"] == ts
    client_writes(slack, "On it", user=ANNA, thread_ts=ts)
    assert stored(slack)[0].status == RequestStatus.acknowledged


def test_slack_errors_and_rate_limits_are_retried_and_nothing_is_sent_twice(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    slack.standin.inject("chat.postMessage", status=500)
    tick(slack, timedelta(hours=3))
    assert alert_posts(slack) == []
    slack.standin.inject("chat.postMessage", status=429, retry_after=1)
    tick(slack, timedelta(minutes=1))  # the outbox's back-off has passed
    posts = alert_posts(slack)
    assert len(posts) == 1
    tick(slack, timedelta(minutes=1))
    assert len(alert_posts(slack)) == 1
