"""What the promise watcher's scenarios share: a watched channel, client messages, ticks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Protocol

import pytest
from sqlalchemy import select

from bot.promises.rules import Team, WatchSetup
from bot.promises.usecases import set_watch
from bot.scheduler import run_job
from bot.tenancy import Workspace
from bot.watcher.feature import FEATURE
from bot.windows import BusinessHours
from storage.enums import WatchTeam
from storage.models import ClientRequest
from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.payloads import new_event_id, send_event
from tests.slack_standin.inbound import interactivity_body

CLIENT = "U0CLIENT"  # a client in the watched channel (a partner's workspace: Slack Connect)
PARTNER_TEAM = "T0PARTNER"
OWNER = ANNA
TEAM_CHANNEL = "C0TEAMONLY"
SCAN = next(job for job in FEATURE.jobs if job.id == "request-alerts")


class WatchChannel(Protocol):
    def __call__(
        self,
        channel: str = CLIENTS,
        *,
        window: timedelta = timedelta(hours=4),
        hours: BusinessHours | None = None,
        alert_channel_id: str | None = None,
        team: tuple[str, ...] = (ANNA, BRUNO),
        owner: str = OWNER,
    ) -> None: ...


@pytest.fixture
def watched(slack: Slack) -> WatchChannel:
    """Sets a channel's watch through the promises' own use case, as `/journey watch` does."""

    def watch(
        channel: str = CLIENTS,
        *,
        window: timedelta = timedelta(hours=4),
        hours: BusinessHours | None = None,
        alert_channel_id: str | None = None,
        team: tuple[str, ...] = (ANNA, BRUNO),
        owner: str = OWNER,
    ) -> None:
        setup = WatchSetup(
            window=window,
            hours=hours,
            team=Team(kind=WatchTeam.named_users, user_ids=team) if team else Team(),
            alert_channel_id=alert_channel_id,
            text="We acknowledge every request within 4h",
        )
        slack.runtime.in_transaction(
            set_watch,
            ws=Workspace(TEAM),
            channel_id=channel,
            setup=setup,
            actor_id=owner,
            now=slack.runtime.clock.now(),
        )

    return watch


def client_writes(
    slack: Slack,
    text: str = "Our export fails since this morning, can you look?",
    *,
    user: str = CLIENT,
    thread_ts: str | None = None,
    channel: str = CLIENTS,
    event_id: str | None = None,
    retry_num: int | None = None,
    ts: str | None = None,
) -> tuple[str, str]:
    """The message posted in Slack and its event delivered; returns (ts, event_id)."""
    if ts is None:
        ts = slack.standin.post_message(channel, user=user, text=text, thread_ts=thread_ts)
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if user == CLIENT:
        event["user_team"] = PARTNER_TEAM  # Slack Connect: the author's own workspace
    if thread_ts:
        event["thread_ts"] = thread_ts
    event_id = event_id or new_event_id()
    assert send_event(slack, event, event_id=event_id, retry_num=retry_num) == 200
    return ts, event_id


def tick(slack: Slack, advance: timedelta = timedelta(0)) -> object:
    """Move the clock, run one scheduler tick, send what it decided."""
    slack.bot.runtime.clock.advance(advance)  # type: ignore[attr-defined]
    result = run_job(slack.runtime, SCAN)
    slack.bot.drain_outbox()
    return result


def stored(slack: Slack) -> list[ClientRequest]:
    with slack.runtime.session_factory() as session:
        rows = list(session.scalars(select(ClientRequest).order_by(ClientRequest.id)))
        session.expunge_all()
        return rows


def alert_posts(slack: Slack, channel: str | None = None) -> list[dict[str, Any]]:
    """Alerts the bot posted (tagged with the watcher's metadata), oldest first."""
    posts = []
    for call in slack.standin.calls("chat.postMessage"):
        metadata = call.args.get("metadata")
        if not call.ok or not isinstance(metadata, dict):
            continue
        if metadata.get("event_type") != "journeybot_request_alert":
            continue
        if metadata["event_payload"]["action"] == "owner":
            continue  # the owner's DM, not an alert
        if channel is None or call.args.get("channel") == channel:
            posts.append(call.args)
    return posts


def click(
    slack: Slack,
    *,
    user: str,
    action_id: str,
    value: str,
    channel: str,
    message_ts: str,
) -> int:
    """A button on a message the bot posted (not ephemeral), as Slack sends the click."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": slack.standin.new_trigger_id(TEAM),
        "team": {"id": TEAM, "domain": "acme"},
        "channel": {"id": channel, "name": "clients"},
        "message": {"ts": message_ts, "type": "message"},
        "response_url": slack.standin.new_response_url(),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "request-alert-actions",
                "text": {"type": "plain_text", "text": "Button"},
                "value": value,
                "type": "button",
                "action_ts": "1700000600.000100",
            }
        ],
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    return response.status


def direct_messages(slack: Slack, user: str | None = None) -> list[dict[str, Any]]:
    """What the bot posted in DMs (to `user`, when given), oldest first."""
    opened = {
        call.response["channel"]["id"]: call.args.get("users")
        for call in slack.standin.calls("conversations.open")
        if call.ok
    }
    return [
        call.args
        for call in slack.standin.calls("chat.postMessage")
        if call.ok
        and str(call.args.get("channel", "")).startswith("D")
        and (user is None or opened.get(call.args["channel"]) == user)
    ]


def blocks_text(args: dict[str, Any]) -> str:
    return json.dumps(args.get("blocks"), ensure_ascii=False)
