"""Signed but malformed bodies at the edge: a 4xx or a quiet 200, never a 5xx."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote_plus, urlencode

import pytest

from tests.handlers.conftest import ANNA, CLIENTS, TEAM, Slack
from tests.handlers.payloads import new_event_id, reaction_event
from tests.slack_standin.inbound import (
    FORM,
    block_actions_payload,
    button_action,
    event_callback_payload,
    interactivity_body,
    message_action_payload,
    view_submission_payload,
)

DEEP = 10_000
HUGE_ID = 10**30


def _deep(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


def _event(event: dict[str, Any]) -> str:
    envelope = event_callback_payload({"type": "x"}, team_id=TEAM, event_id=new_event_id())
    return json.dumps({**envelope, "event": event})


# Replaced by a response URL of the stand-in (Slack's host in these tests) when sent.
RESPONSE_URL = "https://response.url.placeholder/"
FIRST_PAGE = '{"s":"open","c":null,"p":0}'


def _click(**changes: Any) -> str:
    payload = block_actions_payload(
        trigger_id="1.2.x",
        actions=[button_action("irritants-page", block_id="b", value=FIRST_PAGE)],
        channel_id=CLIENTS,
        message={"ts": "1700000500.000100", "text": "x"},
        response_url=RESPONSE_URL,
        team_id=TEAM,
        user_id=ANNA,
    )
    payload.update(changes)
    return interactivity_body(payload)


RAW_JSON: dict[str, str] = {
    "nested 10,000 deep": _deep(),
    "nested event": '{"type":"event_callback","event":' + _deep() + "}",
    "not JSON": "{nope",
    "a JSON list": "[]",
    "a JSON string": '"event_callback"',
    "null": "null",
    "event not an object": json.dumps(
        {"type": "event_callback", "team_id": TEAM, "event": "reaction_added"}
    ),
    # Bolt's self-event filter reads `event` as an object whatever the type (found by the
    # generated-envelope test).
    "event null, no type": json.dumps({"team_id": TEAM, "type": None, "event": None}),
    "item as a string": _event({**reaction_event(user=ANNA, ts="1.1"), "item": "C0CLIENTS"}),
    "user as a list": _event({**reaction_event(user=ANNA, ts="1.1"), "user": [ANNA]}),
    "user of 10^30": _event({**reaction_event(user=ANNA, ts="1.1"), "user": HUGE_ID}),
    "ts of 10^30": _event(reaction_event(user=ANNA, ts=HUGE_ID)),  # type: ignore[arg-type]
    "channel of 10^30": _event(
        {"type": "message", "channel": HUGE_ID, "user": ANNA, "ts": "1.1", "text": "x"}
    ),
    "message user as a list": _event(
        {"type": "message", "channel": CLIENTS, "user": [ANNA], "ts": "1.1", "text": "x"}
    ),
    "authorizations as a string": json.dumps(
        {
            **event_callback_payload(
                reaction_event(user=ANNA, ts="1.1"), team_id=TEAM, event_id=new_event_id()
            ),
            "authorizations": "T0ACME",
        }
    ),
    "team_id of 10^30": json.dumps(
        {
            **event_callback_payload(
                reaction_event(user=ANNA, ts="1.1"), team_id=TEAM, event_id=new_event_id()
            ),
            "team_id": HUGE_ID,
        }
    ),
    "url_verification challenge as a list": json.dumps(
        {"type": "url_verification", "challenge": ["x"], "token": "t"}
    ),
}

FORMS: dict[str, str] = {
    "payload nested 10,000 deep": urlencode({"payload": _deep()}),
    "payload not JSON": urlencode({"payload": "{nope"}),
    "payload a list": urlencode({"payload": "[1]"}),
    "click user as a list": _click(user=[ANNA]),
    "click user id of 10^30": _click(user={"id": HUGE_ID}),
    "click team as a string": _click(team=TEAM),
    "click actions as a string": _click(actions="irritants-page"),
    "click value of 10^30": _click(
        actions=[{**button_action("irritant-details", block_id="b"), "value": HUGE_ID}]
    ),
    "click value not ours": _click(
        actions=[button_action("irritant-details", block_id="b", value="12abc")]
    ),
    "undo value of 10^30 as text": _click(
        actions=[button_action("irritant-undo", block_id="b", value=str(HUGE_ID))]
    ),
    "details value of 10^30 as text": _click(
        actions=[button_action("irritant-details", block_id="b", value=str(HUGE_ID))]
    ),
    "acknowledge value of 10^30": _click(
        actions=[
            button_action(
                "irritant-acknowledge", block_id="b", value='{"s":"open","c":null,"p":0,"i":1e30}'
            )
        ]
    ),
    "page value nested": _click(
        actions=[button_action("irritants-page", block_id="b", value=_deep(3000))]
    ),
    "click in a message without response_url": _click(response_url=None),
    "click without trigger_id": _click(
        trigger_id=None, actions=[button_action("irritant-details", block_id="b", value="1")]
    ),
    "shortcut message as a string": interactivity_body(
        {
            **message_action_payload(
                callback_id="report_irritant",
                trigger_id="1.2.x",
                channel_id=CLIENTS,
                message={"ts": "1.1", "text": "x", "user": ANNA},
                response_url=RESPONSE_URL,
                team_id=TEAM,
                user_id=ANNA,
            ),
            "message": "hello",
        }
    ),
    "shortcut channel as a list": interactivity_body(
        {
            **message_action_payload(
                callback_id="report_irritant",
                trigger_id="1.2.x",
                channel_id=CLIENTS,
                message={"ts": "1.1", "text": "x", "user": ANNA},
                response_url=RESPONSE_URL,
                team_id=TEAM,
                user_id=ANNA,
            ),
            "channel": [CLIENTS],
        }
    ),
    "submission state as a list": interactivity_body(
        view_submission_payload(
            view={"id": "V1", "callback_id": "irritant-resolve-modal", "private_metadata": ""},
            values={},
            trigger_id="1.2.x",
            team_id=TEAM,
            user_id=ANNA,
        )
        | {"view": {"id": "V1", "callback_id": "irritant-resolve-modal", "state": []}}
    ),
    "submission metadata not JSON": interactivity_body(
        view_submission_payload(
            view={
                "id": "V1",
                "type": "modal",
                "callback_id": "irritant-resolve-modal",
                "private_metadata": "{x",
            },
            values={},
            trigger_id="1.2.x",
            team_id=TEAM,
            user_id=ANNA,
        )
    ),
    "submission without view": interactivity_body(
        view_submission_payload(
            view={"id": "V1", "callback_id": "irritant-details-modal"},
            values={},
            trigger_id="1.2.x",
            team_id=TEAM,
            user_id=ANNA,
        )
        | {"view": None}
    ),
    "submission values not objects": interactivity_body(
        view_submission_payload(
            view={"id": "V1", "callback_id": "irritant-details-modal", "private_metadata": ""},
            values={"note": "x", "category": {"value": []}},
            trigger_id="1.2.x",
            team_id=TEAM,
            user_id=ANNA,
        )
    ),
    "settings values of wrong types": interactivity_body(
        view_submission_payload(
            view={"id": "V1", "callback_id": "workspace-settings-modal", "private_metadata": ""},
            values={"emojis": {"value": {"type": "plain_text_input", "value": HUGE_ID}}},
            trigger_id="1.2.x",
            team_id=TEAM,
            user_id=ANNA,
        )
    ),
    "command without user_id": urlencode(
        {"command": "/journey", "text": "help", "team_id": TEAM, "channel_id": CLIENTS}
    ),
    "command text nested": urlencode(
        {"command": "/journey", "text": _deep(), "team_id": TEAM, "user_id": ANNA}
    ),
}


@pytest.mark.parametrize("body", RAW_JSON.values(), ids=RAW_JSON.keys())
def test_malformed_json_bodies_get_a_4xx_or_a_quiet_200(
    slack: Slack, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = slack.sender.post(body, content_type="application/json")
    assert response.status < 500, response.text
    assert "Traceback" not in response.text
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []


@pytest.mark.parametrize("body", FORMS.values(), ids=FORMS.keys())
def test_malformed_forms_get_a_4xx_or_a_quiet_200(slack: Slack, body: str) -> None:
    body = body.replace(quote_plus(RESPONSE_URL), quote_plus(slack.standin.new_response_url()))
    response = slack.sender.post(body, content_type=FORM)
    assert response.status < 500, response.text
    assert "Traceback" not in response.text
    assert "Something went wrong" not in response.text
