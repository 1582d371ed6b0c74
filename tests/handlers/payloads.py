"""Slack payloads for irritant scenarios, shaped like Slack's documented ones."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.handlers.conftest import BOT_USER, CLIENTS, TEAM, Slack
from tests.slack_standin.inbound import event_callback_body, interactivity_body, slash_command_body

_event_ids = itertools.count(1)


def new_event_id() -> str:
    return f"Ev{next(_event_ids):010d}"


def reaction_event(
    *,
    user: str,
    ts: str,
    reaction: str = "rage",
    added: bool = True,
    channel: str = CLIENTS,
    item_user: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": "1700000999.000100",
    }


def send_event(
    slack: Slack,
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    retry_num: int | None = None,
    team_id: str = TEAM,
) -> int:
    body = event_callback_body(
        event, team_id=team_id, event_id=event_id or new_event_id(), api_app_id="A0JOURNEY"
    )
    response = slack.sender.post(body, content_type="application/json", retry_num=retry_num)
    assert response.elapsed_seconds < 3.0
    return response.status


def command(
    slack: Slack, text: str, *, user: str, channel: str = CLIENTS, team_id: str = TEAM
) -> tuple[int, str, str]:
    """Returns (status, ack body, response_url) so the caller can follow what was sent there."""
    response_url = slack.standin.new_response_url()
    body = slash_command_body(
        text=text,
        team_id=team_id,
        user_id=user,
        channel_id=channel,
        trigger_id=slack.standin.new_trigger_id(team_id),
        response_url=response_url,
    )
    response = slack.sender.post(body, content_type="application/x-www-form-urlencoded")
    assert response.elapsed_seconds < 3.0
    return response.status, response.text, response_url


def block_action(
    slack: Slack,
    *,
    user: str,
    action_id: str,
    value: str,
    team_id: str = TEAM,
    channel: str = CLIENTS,
) -> tuple[int, str, str]:
    """A button clicked in an ephemeral message."""
    button = {
        "action_id": action_id,
        "block_id": "b",
        "text": {"type": "plain_text", "text": "Button"},
        "value": value,
        "type": "button",
        "action_ts": "1700000600.000100",
    }
    return message_block_action(slack, user=user, action=button, team_id=team_id, channel=channel)


def message_block_action(
    slack: Slack,
    *,
    user: str,
    action: dict[str, Any],
    team_id: str = TEAM,
    channel: str = CLIENTS,
) -> tuple[int, str, str]:
    """`action` (a button, a menu's pick) in an ephemeral message, as Slack posts it: the
    status, the body of the answer and the message's response URL."""
    response_url = slack.standin.new_response_url()
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1700000500.000100",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": slack.standin.new_trigger_id(team_id),
        "team": {"id": team_id, "domain": "acme"},
        "channel": {"id": channel, "name": "clients"},
        "response_url": response_url,
        "actions": [action],
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    assert response.elapsed_seconds < 3.0
    return response.status, response.text, response_url


def submit_view(
    slack: Slack,
    view: dict[str, Any],
    values: dict[str, Any],
    *,
    user: str,
    team_id: str = TEAM,
    previous_view_id: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Submit a view the bot opened (as recorded by the stand-in) with the given state;
    `previous_view_id` is the modal under it when it was pushed on a stack."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "trigger_id": slack.standin.new_trigger_id(team_id),
        "view": {
            "id": "V0SUBMITTED",
            "team_id": team_id,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""),
            "blocks": view["blocks"],
            "state": {"values": values},
            "hash": "1700000000.abc",
            "title": view["title"],
            "submit": view.get("submit"),
            "close": view.get("close"),
            "previous_view_id": previous_view_id,
            "root_view_id": "V0SUBMITTED",
            "app_id": "A0JOURNEY",
            "external_id": "",
            "bot_id": "B0JOURNEY",
        },
        "response_urls": [],
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    assert response.elapsed_seconds < 3.0
    return response.status, json.loads(response.text) if response.text.strip() else {}


def text_input(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def selected(value: str | None, kind: str = "static_select") -> dict[str, Any]:
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    )
    return {"value": {"type": kind, "selected_option": option}}


def message_shortcut(
    slack: Slack, *, user: str, ts: str, text: str, author: str, thread_ts: str | None = None
) -> int:
    message: dict[str, Any] = {"type": "message", "text": text, "user": author, "ts": ts}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "message_action",
        "token": "legacy",
        "action_ts": "1700000700.000100",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "name": user.lower(), "team_id": TEAM},
        "channel": {"id": CLIENTS, "name": "clients"},
        "callback_id": "report_irritant",
        "trigger_id": slack.standin.new_trigger_id(TEAM),
        "message_ts": ts,
        "message": message,
        "response_url": slack.standin.new_response_url(),
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    assert response.elapsed_seconds < 3.0
    return response.status


__all__ = ["BOT_USER"]
