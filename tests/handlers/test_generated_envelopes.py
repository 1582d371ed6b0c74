"""Generated and mutated Slack bodies, signed and sent over HTTP: never a 5xx, never an
unhandled error of ours, never a row written outside the installation's workspace.

Each example starts from a body shaped like Slack's (events, our buttons, our forms, the
report shortcut, `/journey`), then replaces, removes or adds a few fields anywhere in it
with hostile values: other teams, huge ids, lists for strings, NUL, deep JSON.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.base import Base
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, OTHER_TEAM, TEAM, Slack
from tests.slack_standin.inbound import FORM

# 200 examples in the normal suite; `bench/fuzz_envelopes.py` runs 10,000 by setting this.
EXAMPLES = int(os.environ.get("JOURNEYBOT_FUZZ_EXAMPLES", "200"))
RESPONSE_URL = "<response-url>"  # replaced by a fresh stand-in response URL when sent
TRIGGER_ID = "<trigger-id>"  # replaced by a trigger id the stand-in accepts
SEAL = "<seal>"  # private_metadata sealed with the bot's key, from the JSON after it

TEAMS = st.sampled_from([TEAM, OTHER_TEAM, "T0NOWHERE"])
USERS = st.sampled_from([ANNA, BRUNO, CHLOE, "U0STRANGER"])
TS = st.sampled_from(["1700000100.000100", "1700000200.000200", "1.1", "0.0"])
SMALL_TEXT = st.text(max_size=30)
HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    SMALL_TEXT,
    TEAMS,
    USERS,
    st.sampled_from(
        [
            "",
            "\x00",
            "x" * 5000,
            "1e400",
            "-1",
            str(10**30),
            "[" * 300 + "]" * 300,
            '{"s":"all","c":null,"p":-1,"id":1}',
            '{"mode":"report","channel_id":"C0NOWHERE","message_ts":"1.1"}',
        ]
    ),
    st.lists(SMALL_TEXT, max_size=3),
    st.dictionaries(SMALL_TEXT, SMALL_TEXT, max_size=3),
)
LIST_VALUES = st.builds(
    lambda scope, category, page, irritant: json.dumps(
        {"s": scope, "c": category, "p": page} | ({"id": irritant} if irritant else {}),
        separators=(",", ":"),
    ),
    st.sampled_from(["open", "all"]),
    st.none() | SMALL_TEXT,
    st.integers(0, 3),
    st.none() | st.integers(1, 5),
)


def _event(event: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda event, team, event_id: {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0JOURNEY",
            "type": "event_callback",
            "event": event,
            "event_id": event_id,
            "event_time": 1700000000,
            "authorizations": [{"team_id": team, "user_id": "U0JOURNEY", "is_bot": True}],
        },
        event,
        TEAMS,
        st.text("ABCDEFGHIJ0123456789", min_size=8, max_size=12).map(lambda s: "Ev" + s),
    )


REACTIONS = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["reaction_added", "reaction_removed"]),
        "user": USERS,
        "reaction": st.sampled_from(["rage", "rage::skin-tone-2", "thumbsup"]),
        "item": st.fixed_dictionaries(
            {"type": st.just("message"), "channel": st.just(CLIENTS), "ts": TS}
        ),
        "item_user": st.none() | USERS,
        "event_ts": TS,
    }
)
MESSAGES = st.fixed_dictionaries(
    {
        "type": st.just("message"),
        "channel": st.just(CLIENTS),
        "user": USERS,
        "text": SMALL_TEXT,
        "ts": TS,
    },
    optional={"subtype": st.sampled_from(["message_deleted", "message_changed"])},
)
HOME = st.fixed_dictionaries({"type": st.just("app_home_opened"), "user": USERS, "tab": SMALL_TEXT})


def _who(kind: str, team: str, user: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": team, "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": team},
        "api_app_id": "A0JOURNEY",
        "token": "legacy",
        "trigger_id": TRIGGER_ID,
    }


CLICKS = st.builds(
    lambda team, user, action_id, value: (
        _who("block_actions", team, user)
        | {
            "container": {
                "type": "message",
                "message_ts": "1700000500.000100",
                "channel_id": CLIENTS,
            },
            "channel": {"id": CLIENTS, "name": "clients"},
            "response_url": RESPONSE_URL,
            "actions": [
                {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
            ],
        }
    ),
    TEAMS,
    USERS,
    st.sampled_from(
        [
            "irritant-details",
            "irritant-undo",
            "irritants-page-next",
            "irritant-acknowledge",
            "irritant-reopen",
            "irritant-resolve",
            # The watcher's, the promises' and the journeys' buttons.
            "request-take",
            "request-dismiss",
            "request-restore",
            "requests-page",
            "promises-page",
            "journey-vote",
            "journey-board",
            "journey-next-phase",
            "journey-cast",
            "journey-promise",
            "journey-make-watch",
        ]
    ),
    LIST_VALUES | st.integers(1, 5).map(str) | SMALL_TEXT,
)
METADATA = st.one_of(
    st.builds(
        lambda ts, text: {"mode": "report", "channel_id": CLIENTS, "message_ts": ts, "text": text},
        TS,
        SMALL_TEXT,
    ),
    st.builds(lambda irritant: {"mode": "edit", "irritant_id": irritant}, st.integers(1, 5)),
    st.builds(
        lambda irritant, state: {
            "irritant_id": irritant,
            "list_state": state,
            "response_url": RESPONSE_URL,
        },
        st.integers(1, 5),
        LIST_VALUES,
    ),
)


FORM_WORDS = st.sampled_from(["delay", "3", "30", "rage", "Refunded", "white_check_mark"])


def _input(value: Any) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def _option(value: Any) -> dict[str, Any]:
    return {"value": {"type": "static_select", "selected_option": {"value": value}}}


SUBMISSIONS = st.builds(
    lambda team, user, callback_id, metadata, sealed, texts: (
        _who("view_submission", team, user)
        | {
            "view": {
                "id": "V0SUBMITTED",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": (SEAL if sealed else "") + json.dumps(metadata),
                "state": {
                    "values": {
                        "category": _option(texts[0]),
                        "severity": _option(texts[1]),
                        "note": _input(texts[2]),
                        "resolution": _input(texts[3]),
                        "emojis": _input(texts[4]),
                        "categories": _input(texts[5]),
                        "retention_days": _input(texts[6]),
                        "resolved_mark": _option(texts[7]),
                    }
                },
            },
            "response_urls": [],
        }
    ),
    TEAMS,
    USERS,
    st.sampled_from(
        ["irritant-details-modal", "irritant-resolve-modal", "workspace-settings-modal"]
    ),
    METADATA,
    st.booleans(),
    st.lists(
        st.sampled_from(["delay", "3", "30", "rage", "Refunded", "white_check_mark"]) | SMALL_TEXT,
        min_size=8,
        max_size=8,
    ),
)
SHORTCUTS = st.builds(
    lambda team, user, author, ts, text: (
        _who("message_action", team, user)
        | {
            "callback_id": "report_irritant",
            "channel": {"id": CLIENTS, "name": "clients"},
            "message_ts": ts,
            "message": {"type": "message", "text": text, "user": author, "ts": ts},
            "response_url": RESPONSE_URL,
        }
    ),
    TEAMS,
    USERS,
    USERS,
    TS,
    SMALL_TEXT,
)
COMMANDS = st.builds(
    lambda team, user, text: {
        "command": "/journey",
        "text": text,
        "team_id": team,
        "user_id": user,
        "channel_id": CLIENTS,
        "trigger_id": TRIGGER_ID,
        "response_url": RESPONSE_URL,
    },
    TEAMS,
    USERS,
    st.sampled_from(
        [
            "help",
            "irritants",
            "irritants all",
            "settings",
            "export",
            "aide",
            "watch 4h",
            "watch 2h business team <@U0BRUNO|bruno>",
            "watch status",
            "watch off",
            "promises",
            "requests",
            "journey new",
            "digest",
            "digest off",
        ]
    )
    | SMALL_TEXT
    | SMALL_TEXT.map(lambda text: "irritants all " + text),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind, body = draw(
        st.one_of(
            st.tuples(st.just("json"), _event(REACTIONS | MESSAGES | HOME)),
            st.tuples(st.just("payload"), CLICKS | SUBMISSIONS | SHORTCUTS),
            st.tuples(st.just("command"), COMMANDS),
        )
    )
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(body)))
        *parents, last = path
        holder: Any = body
        for step in parents:
            holder = holder[step]
        if kind == "command":  # a form: every value is a string
            holder[last] = draw(SMALL_TEXT | st.sampled_from([OTHER_TEAM, str(10**30), "\x00"]))
        elif isinstance(holder, dict) and draw(st.booleans()):
            del holder[last]
        else:
            holder[last] = draw(HOSTILE)
        note(f"mutated {path!r}")
    return kind, body


def _send(slack: Slack, kind: str, body: dict[str, Any]) -> tuple[int, str]:
    text = json.dumps(body)
    if SEAL in text:  # seal the metadata that follows the marker, as the bot would have
        view = body["view"]
        sealed = slack.bot.app.services.seal
        from handlers.irritants.details import DetailsMetadata
        from handlers.irritants.triage import ResolveMetadata

        raw = str(view["private_metadata"])[len(SEAL) :]
        model = ResolveMetadata if "list_state" in raw else DetailsMetadata
        try:
            view["private_metadata"] = sealed.seal(model.model_validate_json(raw))
        except ValueError:
            view["private_metadata"] = raw
        text = json.dumps(body)
    text = text.replace(RESPONSE_URL, slack.standin.new_response_url())
    text = text.replace(TRIGGER_ID, slack.standin.new_trigger_id(TEAM))
    if kind == "json":
        raw_body, content_type = text, "application/json"
    elif kind == "payload":
        raw_body, content_type = urlencode({"payload": text}), FORM
    else:
        raw_body, content_type = urlencode(json.loads(text)), FORM
    response = slack.sender.post(raw_body, content_type=content_type)
    return response.status, response.text


def _rows_elsewhere(slack: Slack) -> int:
    with slack.runtime.session_factory() as session:
        return sum(
            session.scalar(select(func.count()).select_from(table).where(table.c.team_id != TEAM))
            or 0
            for table in Base.metadata.sorted_tables
            if "team_id" in table.c
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated())
# Found by the 10,000-body run: `"event": null` crashed Bolt's self-event middleware.
@example(
    case=(
        "json",
        {
            "token": "legacy",
            "team_id": OTHER_TEAM,
            "api_app_id": "A0JOURNEY",
            "type": None,
            "event": None,
            "event_id": "Ev00000000",
            "event_time": 1700000000,
            "authorizations": [{"team_id": OTHER_TEAM, "user_id": "U0JOURNEY", "is_bot": True}],
        },
    )
)
# Found by the 10,000-body run on PostgreSQL: a refused click without a response_url made
# the error handler's own reply crash.
@example(
    case=(
        "payload",
        _who("block_actions", TEAM, ANNA)
        | {
            "container": {
                "type": "message",
                "message_ts": "1700000500.000100",
                "channel_id": CLIENTS,
            },
            "channel": {"id": CLIENTS, "name": "clients"},
            "actions": [
                {"action_id": "journey-next-phase", "block_id": "b", "type": "button", "value": "1"}
            ],
        },
    )
)
def test_generated_bodies_never_get_a_5xx_nor_write_elsewhere(
    slack: Slack, caplog: pytest.LogCaptureFixture, case: tuple[str, dict[str, Any]]
) -> None:
    kind, body = case
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        status, text = _send(slack, kind, body)
    event(f"{kind} answered {status}")  # --hypothesis-show-statistics: how many got through

    assert status < 500, text
    assert "Traceback" not in text
    # The error handler logs what escaped a listener: only Slack's own refusals may (the
    # stand-in refusing a mangled trigger id), never a crash of ours.
    crashes = [
        record.exc_info[0].__name__
        for record in caplog.records
        if record.exc_info and record.exc_info[0] and record.exc_info[0].__name__ != "SlackApiError"
    ]
    assert crashes == []
    assert _rows_elsewhere(slack) == 0
