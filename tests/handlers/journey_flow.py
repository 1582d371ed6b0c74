"""Steps of the journey ritual as Slack sends them: the modal, its buttons, the ballot."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from storage.models import Irritant, JourneyExercise
from tests.handlers.conftest import CLIENTS, TEAM, Slack
from tests.handlers.payloads import (
    block_action,
    command,
    message_block_action,
    submit_view,
    text_input,
)
from tests.slack_standin.inbound import interactivity_body


def as_dict(view: Any) -> dict[str, Any]:
    return view if isinstance(view, dict) else json.loads(view)


def last_opened(slack: Slack, count: int = 1) -> dict[str, Any]:
    """The modal the `count`-th views.open showed: a loading modal is followed, the way
    Slack shows it, by the views.update that replaced it."""
    return _shown(slack, "views.open", count)


def _shown(slack: Slack, method: str, count: int) -> dict[str, Any]:
    """The modal the `count`-th call of `method` put up, or the one that replaced it when
    it was the loading modal."""
    call = slack.standin.wait_for(method, count=count)[-1]
    view = as_dict(call.args["view"])
    if view.get("callback_id") != "journey-loading-modal":
        return view
    view_id = call.response["view"]["id"]
    [update] = slack.standin.wait_for(
        "views.update", predicate=lambda done: done.args.get("view_id") == view_id
    )[-1:]
    return as_dict(update.args["view"])


def picked_time(at: datetime) -> dict[str, Any]:
    return {"value": {"type": "datetimepicker", "selected_date_time": int(at.timestamp())}}


def picked_channel(channel: str) -> dict[str, Any]:
    return {"value": {"type": "conversations_select", "selected_conversation": channel}}


def number(value: int | None) -> dict[str, Any]:
    return {"value": {"type": "number_input", "value": None if value is None else str(value)}}


def ticked(on: bool) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": "yes"}, "value": "yes"}] if on else []
    return {"value": {"type": "checkboxes", "selected_options": options}}


def chosen(value: str | None) -> dict[str, Any]:
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    )
    return {"value": {"type": "static_select", "selected_option": option}}


def new_values(
    now: datetime,
    *,
    task: str | None = "Negotiating a contract",
    persona: str = "Sales rep",
    line: str = "Needs a contract signed this quarter",
    channel: str = CLIENTS,
    days: tuple[int, int, int] = (2, 5, 6),
    votes: int | None = 3,
    anonymous: bool = False,
) -> dict[str, Any]:
    return {
        "task": text_input(task),
        "persona_name": text_input(persona),
        "persona_line": text_input(line),
        "description": text_input(None),
        "channel": picked_channel(channel),
        "moments_deadline": picked_time(now + timedelta(days=days[0])),
        "columns_deadline": picked_time(now + timedelta(days=days[1])),
        "vote_deadline": picked_time(now + timedelta(days=days[2])),
        "votes": number(votes),
        "anonymous": ticked(anonymous),
    }


def start_exercise(
    slack: Slack,
    *,
    user: str,
    task: str = "Negotiating a contract",
    channel: str = CLIENTS,
    **values: Any,
) -> int:
    """`/journey new`, then submit the modal; returns the new exercise's id."""
    before = len(slack.standin.calls("views.open"))
    command(slack, f"new {task}", user=user, channel=channel)
    view = last_opened(slack, before + 1)
    status, ack = submit_view(
        slack,
        view,
        new_values(slack.runtime.clock.now(), task=task, channel=channel, **values),
        user=user,
    )
    assert status == 200
    assert ack.get("response_action") is None, ack
    slack.bot.drain_outbox()
    with slack.runtime.session_factory() as session:
        return max(session.scalars(select(JourneyExercise.id)).all())


def click(
    slack: Slack,
    *,
    user: str,
    action_id: str,
    value: str,
    channel: str = CLIENTS,
    team_id: str = TEAM,
) -> tuple[int, str, str]:
    return block_action(
        slack, user=user, action_id=action_id, value=value, channel=channel, team_id=team_id
    )


def view_action(
    slack: Slack,
    *,
    user: str,
    view: dict[str, Any],
    view_id: str,
    action_id: str,
    value: str | None = None,
    selected: str | None = None,
) -> int:
    """A button (or overflow menu) clicked inside an open modal."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "action_ts": "1.2"}
    if selected is not None:
        action |= {
            "type": "overflow",
            "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": selected},
        }
    else:
        action |= {
            "type": "button",
            "value": value,
            "text": {"type": "plain_text", "text": "Button"},
        }
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "container": {"type": "view", "view_id": view_id},
        "trigger_id": slack.standin.new_trigger_id(TEAM, view_id=view_id),
        "team": {"id": TEAM, "domain": "acme"},
        "view": {
            "id": view_id,
            "team_id": TEAM,
            "type": "modal",
            "callback_id": view.get("callback_id", ""),
            "private_metadata": view.get("private_metadata", ""),
            "blocks": view["blocks"],
            "state": {"values": {}},
            "hash": "1700000000.abc",
            "title": view["title"],
        },
        "actions": [action],
    }
    response = slack.sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )
    return response.status


def opened_view_id(slack: Slack) -> str:
    call = slack.standin.calls("views.open")[-1]
    return str(call.response["view"]["id"])


def ephemeral_texts(slack: Slack) -> list[str]:
    """What the person was told: ephemeral answers, and modals that replaced a loading one."""
    answers = [c.args for c in slack.standin.calls("response_url")]
    modals = [as_dict(c.args["view"]) for c in slack.standin.calls("views.update")]
    return [json.dumps(item, ensure_ascii=False) for item in answers + modals]


def message_select(
    slack: Slack, *, user: str, action_id: str, selected: str, channel: str = CLIENTS
) -> tuple[int, str]:
    """An option picked in a menu of an ephemeral message (the board's Read in full)."""
    pick = {
        "action_id": action_id,
        "block_id": "b",
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": selected},
        "action_ts": "1700000600.000100",
    }
    status, _text, response_url = message_block_action(
        slack, user=user, action=pick, channel=channel
    )
    return status, response_url


def last_pushed(slack: Slack, count: int = 1) -> dict[str, Any]:
    """The modal the `count`-th views.push showed, following a loading modal's update."""
    return _shown(slack, "views.push", count)


def store_irritant(slack: Slack, text: str, *, moment_id: int | None = None) -> int:
    """An irritant reported in #clients just now (linked to a moment if given): its id."""
    now = slack.runtime.clock.now()
    with slack.runtime.session_factory.begin() as session:
        irritant = Irritant(
            team_id=TEAM,
            channel_id=CLIENTS,
            message_ts="1.1",
            status="new",
            text_status="complete",
            message_text=text,
            status_changed_at=now,
            last_reported_at=now,
            created_at=now,
            moment_id=moment_id,
        )
        session.add(irritant)
        session.flush()
        return irritant.id
