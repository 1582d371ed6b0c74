"""The promise watcher over signed HTTP against the Slack stand-in, with an injected clock."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.enums import AcknowledgedHow, RequestStatus
from storage.models import OutboxMessage
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import command, reaction_event, send_event
from tests.handlers.watcher_fixtures import (
    CLIENT,
    TEAM_CHANNEL,
    WatchChannel,
    alert_posts,
    blocks_text,
    click,
    client_writes,
    stored,
    tick,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def test_a_request_retried_and_duplicated_counts_once_with_its_follow_ups(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, event_id = client_writes(slack)
    client_writes(slack, ts=ts, event_id=event_id, retry_num=1)  # Slack's retry
    client_writes(slack, ts=ts, event_id=event_id, retry_num=2)
    slack.bot.runtime.clock.advance(2 * MINUTE)  # type: ignore[attr-defined]
    client_writes(slack, "And the CSV is empty too")  # same request: within 5 minutes
    slack.bot.runtime.clock.advance(30 * MINUTE)  # type: ignore[attr-defined]
    chaser, chaser_id = client_writes(slack, "Any news?")
    client_writes(slack, "Any news?", ts=chaser, event_id=chaser_id, retry_num=1)
    slack.bot.runtime.clock.advance(20 * MINUTE)  # type: ignore[attr-defined]
    client_writes(slack, "Hello?", thread_ts=ts)  # a follow-up in the request's thread
    [request] = stored(slack)
    assert (request.team_id, request.channel_id, request.ts) == (TEAM, CLIENTS, ts)
    assert request.requester == CLIENT
    assert request.follow_ups == 2
    assert request.status == RequestStatus.open


def test_the_teams_messages_bots_and_unwatched_channels_make_no_request(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack, "I'll look at it", user=BRUNO)
    event = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B0OTHER",
        "channel": CLIENTS,
        "text": "Deploy done",
        "ts": slack.standin.post_message(CLIENTS, user="U0OTHERBOT", text="Deploy done"),
    }
    assert send_event(slack, event) == 200
    join = {
        "type": "message",
        "subtype": "channel_join",
        "channel": CLIENTS,
        "user": CLIENT,
        "ts": "1700000100.000100",
        "text": "joined",
    }
    assert send_event(slack, join) == 200
    assert stored(slack) == []


def test_nudge_in_the_thread_then_escalation_and_owner_dm_each_once(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _id = client_writes(slack)
    tick(slack, 2 * HOUR)
    assert alert_posts(slack) == []
    tick(slack, HOUR)  # 3 hours: the nudge point (75 % of 4h)
    [nudge] = alert_posts(slack)
    assert nudge["channel"] == CLIENTS
    assert nudge["thread_ts"] == ts
    assert nudge["metadata"]["event_payload"]["action"] == "nudge"
    text = blocks_text(nudge)
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert f"<@{ANNA}>" in text or f"<@{BRUNO}>" in text
    tick(slack, MINUTE)
    assert len(alert_posts(slack)) == 1
    tick(slack, HOUR)  # the window passes
    posts = alert_posts(slack)
    assert [p["metadata"]["event_payload"]["action"] for p in posts] == ["nudge", "escalate"]
    dms = [c for c in slack.standin.calls("chat.postMessage") if c.args["channel"].startswith("D")]
    assert len(dms) == 1
    assert CLIENTS in blocks_text(dms[0].args)
    tick(slack, HOUR)
    assert len(alert_posts(slack)) == 2
    [request] = stored(slack)
    assert request.breached
    assert request.escalated_at is not None


def test_a_team_members_reaction_acknowledges_and_no_nudge_follows(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _id = client_writes(slack)
    # The requester's own reaction does not count; Bruno's does.
    send_event(slack, reaction_event(user=CLIENT, ts=ts, reaction="eyes", item_user=CLIENT))
    assert stored(slack)[0].status == RequestStatus.open
    slack.bot.runtime.clock.advance(10 * MINUTE)  # type: ignore[attr-defined]
    send_event(slack, reaction_event(user=BRUNO, ts=ts, reaction="eyes", item_user=CLIENT))
    [request] = stored(slack)
    assert request.status == RequestStatus.acknowledged
    assert (request.acknowledged_by, request.acknowledged_how) == (BRUNO, AcknowledgedHow.reaction)
    tick(slack, 5 * HOUR)
    assert alert_posts(slack) == []
    assert not stored(slack)[0].breached


def test_a_thread_reply_by_the_team_acknowledges_even_after_the_breach(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _id = client_writes(slack)
    tick(slack, 5 * HOUR)
    client_writes(slack, "Looking at it now, sorry for the wait", user=ANNA, thread_ts=ts)
    [request] = stored(slack)
    assert request.status == RequestStatus.acknowledged
    assert request.acknowledged_how == AcknowledgedHow.reply
    assert request.breached
    assert request.acknowledged_at is not None


def test_ill_take_it_acknowledges_and_updates_the_alert(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    tick(slack, 3 * HOUR)
    [nudge_call] = [c for c in slack.standin.calls("chat.postMessage") if c.args.get("metadata")]
    alert_ts = nudge_call.response["ts"]
    request_id = str(stored(slack)[0].id)
    assert (
        click(
            slack,
            user=CLIENT,
            action_id="request-take",
            value=request_id,
            channel=CLIENTS,
            message_ts=alert_ts,
        )
        == 200
    )
    assert stored(slack)[0].status == RequestStatus.open  # the requester can't take their own
    assert (
        click(
            slack,
            user=BRUNO,
            action_id="request-take",
            value=request_id,
            channel=CLIENTS,
            message_ts=alert_ts,
        )
        == 200
    )
    [request] = stored(slack)
    assert (request.acknowledged_by, request.acknowledged_how) == (BRUNO, AcknowledgedHow.button)
    slack.bot.drain_outbox()
    [update] = slack.standin.wait_for("chat.update")
    assert update.args["ts"] == alert_ts
    assert f"<@{BRUNO}>" in blocks_text(update.args)
    tick(slack, 2 * HOUR)
    assert len(alert_posts(slack)) == 1  # no escalation


def test_not_a_request_stops_alerts_and_undo_restores_them(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    tick(slack, 3 * HOUR)
    alert_ts = next(
        c for c in slack.standin.calls("chat.postMessage") if c.args.get("metadata")
    ).response["ts"]
    request_id = str(stored(slack)[0].id)
    click(
        slack,
        user=ANNA,
        action_id="request-dismiss",
        value=request_id,
        channel=CLIENTS,
        message_ts=alert_ts,
    )
    assert stored(slack)[0].status == RequestStatus.dismissed
    tick(slack, 2 * HOUR)
    assert len(alert_posts(slack)) == 1
    click(
        slack,
        user=ANNA,
        action_id="request-restore",
        value=request_id,
        channel=CLIENTS,
        message_ts=alert_ts,
    )
    assert stored(slack)[0].status == RequestStatus.open
    tick(slack, MINUTE)
    assert [p["metadata"]["event_payload"]["action"] for p in alert_posts(slack)] == [
        "nudge",
        "escalate",
    ]


def test_a_deleted_request_is_withdrawn(slack: Slack, watched: WatchChannel) -> None:
    watched()
    ts, _id = client_writes(slack)
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CLIENTS,
        "deleted_ts": ts,
        "ts": "1700000200.000100",
        "previous_message": {"type": "message", "user": CLIENT, "ts": ts, "text": "x"},
    }
    assert send_event(slack, deleted) == 200
    [request] = stored(slack)
    assert request.status == RequestStatus.withdrawn
    assert request.text is None
    tick(slack, 5 * HOUR)
    assert alert_posts(slack) == []


def test_a_shared_channel_alerts_in_the_team_channel_with_a_link(
    slack: Slack, watched: WatchChannel
) -> None:
    slack.standin.add_channel(
        TEAM, TEAM_CHANNEL, name="support-team", members=[BOT_USER, ANNA, BRUNO]
    )
    watched(alert_channel_id=TEAM_CHANNEL)
    ts, _id = client_writes(slack)
    tick(slack, 3 * HOUR)
    [nudge] = alert_posts(slack)
    assert nudge["channel"] == TEAM_CHANNEL
    assert "thread_ts" not in nudge or not nudge["thread_ts"]
    assert ts.replace(".", "") in blocks_text(nudge)  # the permalink to the request
    # Nothing about the client is posted where the client can read it.
    assert [
        c for c in slack.standin.calls("chat.postMessage") if c.args["channel"] == CLIENTS
    ] == []


def test_an_alert_already_posted_before_a_crash_is_not_posted_again(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    tick(slack, 3 * HOUR)
    assert len(alert_posts(slack)) == 1
    # The crash: Slack posted the alert but our record of it was lost, so the relay sends the
    # same outbox message again.
    with slack.runtime.session_factory.begin() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "request_alert")
        ).one()
        row.sent_at = None
        row.claimed_until = None
    slack.bot.drain_outbox()
    assert len(alert_posts(slack)) == 1


def test_alerts_in_one_channel_are_paced_and_never_refused(
    slack: Slack, watched: WatchChannel
) -> None:
    slack.standin.pace_posts = True
    watched()
    for index in range(3):
        client_writes(slack, f"Request number {index}", user=f"U0CLIENT{index}")
    tick(slack, 3 * HOUR)
    assert len(alert_posts(slack)) == 3
    refused = [c for c in slack.standin.calls("chat.postMessage") if c.http_status == 429]
    assert refused == []


def test_requests_are_listed_with_their_follow_ups(slack: Slack, watched: WatchChannel) -> None:
    watched()
    client_writes(slack)
    slack.bot.runtime.clock.advance(30 * MINUTE)  # type: ignore[attr-defined]
    client_writes(slack, "Any news?")
    status, _ack, url = command(slack, "requests", user=CHLOE)
    assert status == 200
    [answer] = slack.standin.wait_for(
        "response_url", predicate=lambda call: call.args.get("_url") == url
    )
    listing = blocks_text(answer.args)
    assert f"<@{CLIENT}>" in listing
    assert "1 follow-up" in listing
    assert "Our export fails" in listing
    assert "3 hours left" in listing


def test_requests_are_exported_to_the_askers_dm_with_stable_names(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    ts, _id = client_writes(slack)
    slack.bot.runtime.clock.advance(30 * MINUTE)  # type: ignore[attr-defined]
    client_writes(slack, "Any news?")
    tick(slack, 3 * HOUR)
    status, _ack, _url = command(slack, "export requests json", user=BRUNO)
    assert status == 200
    slack.standin.wait_for("files.completeUploadExternal")
    [uploaded] = slack.standin.uploaded_files()
    assert str(uploaded.channel).startswith("D")  # the asker's DM, not the client channel
    assert uploaded.content is not None
    document = json.loads(uploaded.content)
    assert document["schema"] == "journeybot.requests.v1"
    [row] = document["requests"]
    assert list(row) == [
        "channel",
        "ts",
        "permalink",
        "requester",
        "created_at",
        "due_at",
        "nudged_at",
        "escalated_at",
        "acknowledged_at",
        "acknowledged_by",
        "acknowledged_how",
        "breached",
        "dismissed",
        "follow_ups",
    ]
    assert (row["channel"], row["ts"], row["requester"], row["follow_ups"]) == (
        CLIENTS,
        ts,
        CLIENT,
        1,
    )
    assert row["nudged_at"] is not None
    assert row["breached"] is False


def test_only_channel_members_see_or_export_its_requests(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    status, _ack, url = command(slack, "requests", user="U0STRANGER")
    assert status == 200
    [answer] = slack.standin.wait_for(
        "response_url", predicate=lambda call: call.args.get("_url") == url
    )
    assert "Our export fails" not in json.dumps(answer.args)
    assert "Only members" in answer.args["text"]


def test_a_button_naming_a_request_of_another_channel_changes_nothing(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    request_id = str(stored(slack)[0].id)
    # A crafted click from another channel, naming this channel's request.
    status = click(
        slack,
        user=BRUNO,
        action_id="request-take",
        value=request_id,
        channel="C0ELSEWHERE",
        message_ts="1700000500.000100",
    )
    assert status == 200
    assert stored(slack)[0].status == RequestStatus.open


def test_when_the_bot_cannot_post_in_the_team_channel_the_owner_is_told(
    slack: Slack, watched: WatchChannel
) -> None:
    # The team channel exists but the bot is not in it.
    slack.standin.add_channel(TEAM, TEAM_CHANNEL, name="support-team", members=[ANNA, BRUNO])
    watched(alert_channel_id=TEAM_CHANNEL)
    client_writes(slack)
    tick(slack, 3 * HOUR)
    assert alert_posts(slack) == []
    dms = [
        call
        for call in slack.standin.calls("chat.postMessage")
        if call.ok and call.args["channel"].startswith("D")
    ]
    [dm] = dms
    assert TEAM_CHANNEL in dm.args["text"]
    assert "/invite" in dm.args["text"]


def test_a_button_naming_an_id_past_the_databases_integers_is_no_request(
    slack: Slack, watched: WatchChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """Request ids are 32-bit integers on PostgreSQL: a larger one is no request of ours, not
    a query the database refuses (found by bench/soak.py on PostgreSQL)."""
    watched()
    client_writes(slack)
    caplog.set_level(logging.ERROR)
    for action_id in ("request-take", "request-dismiss", "request-restore"):
        status = click(
            slack,
            user=ANNA,
            action_id=action_id,
            value=str(2**40),
            channel=CLIENTS,
            message_ts="1700000500.000100",
        )
        assert status == 200
    answers = slack.standin.wait_for("response_url", count=3)
    assert all("no longer watched" in str(call.args.get("text")) for call in answers), answers
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert stored(slack)[0].status == RequestStatus.open
