"""What the promise tests over HTTP share: opening the watch form, filling it, reading back."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.models import Promise, PromiseVersion
from tests.handlers.conftest import TEAM, Slack
from tests.handlers.payloads import command, text_input

SHARED = "C0SHARED"  # a Slack Connect channel: the client's organisation reads it too
TEAM_ROOM = "C0TEAMROOM"  # the team's own channel, for alerts
DAVID = "U0DAVID"  # in the workspace, not in the client channel


def opened_view(slack: Slack, index: int = -1) -> dict[str, Any]:
    opened = slack.standin.wait_for("views.open")[index]
    view = opened.args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def last_response(slack: Slack, url: str) -> dict[str, Any]:
    calls = [c for c in slack.standin.wait_for("response_url") if c.url == url]
    assert calls, "nothing was posted to the response_url"
    return calls[-1].args


def open_form(slack: Slack, text: str, *, user: str, channel: str) -> dict[str, Any]:
    """`/journey watch` (or `surveiller`): the modal it opened, acked with an empty body."""
    before = len(slack.standin.calls("views.open"))
    status, ack, _url = command(slack, text, user=user, channel=channel)
    assert (status, ack.strip()) == (200, "")
    slack.standin.wait_for("views.open", count=before + 1)
    return opened_view(slack)


def run(slack: Slack, text: str, *, user: str, channel: str) -> tuple[str, dict[str, Any] | None]:
    """A `/journey` command: (ack text, what was then posted to its response_url, if any)."""
    before = len(slack.standin.calls("response_url"))
    status, ack, url = command(slack, text, user=user, channel=channel)
    assert status == 200
    if ack.strip():
        return ack, None
    slack.standin.wait_for("response_url", count=before + 1)
    return ack, last_response(slack, url)


def checked(*values: str, kind: str = "checkboxes") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]
    return {"value": {"type": kind, "selected_options": options}}


def radio(value: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"value": {"type": "radio_buttons", "selected_option": option}}


def form(**overrides: Any) -> dict[str, Any]:
    """A valid filled-in form: 4h, around the clock, the channel's members, alerts in thread."""
    values: dict[str, Any] = {
        "window": text_input("4h"),
        "text": text_input(None),
        "business": checked(),
        "timezone": text_input("Europe/Paris"),
        "weekdays": checked("0", "1", "2", "3", "4"),
        "opens": {"value": {"type": "timepicker", "selected_time": "09:00"}},
        "closes": {"value": {"type": "timepicker", "selected_time": "17:00"}},
        "holidays": text_input(None),
        "team_kind": radio("channel_members"),
        "team_people": {"value": {"type": "multi_users_select", "selected_users": []}},
        "team_group": text_input(None),
        "nudge": text_input("75"),
        "reactions": text_input("eyes, white_check_mark"),
        "alerts": radio("thread"),
        "alert_channel": {"value": {"type": "conversations_select"}},
    }
    values.update(overrides)
    return values


def watches(slack: Slack) -> list[tuple[Promise, list[PromiseVersion]]]:
    """Every promise of the test workspace with its versions, oldest first."""
    with slack.runtime.session_factory() as session:
        promises = session.scalars(
            select(Promise).where(Promise.team_id == TEAM).order_by(Promise.id)
        ).all()
        return [
            (
                promise,
                list(
                    session.scalars(
                        select(PromiseVersion)
                        .where(PromiseVersion.promise_id == promise.id)
                        .order_by(PromiseVersion.number)
                    )
                ),
            )
            for promise in promises
        ]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)
