"""The soak's world: 50 workspaces installed by OAuth, their people and channels in the Slack
stand-in, watched channels with short promises, and the signed bodies of each kind of request.

Used by `bench/soak.py`; kept apart so the load loop reads on its own.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Installation

from tests.slack_standin import Message, SlackStandIn
from tests.slack_standin.inbound import (
    block_actions_payload,
    button_action,
    event_callback_body,
    interactivity_body,
    slash_command_body,
    view_submission_payload,
)

CLIENT_ID, CLIENT_SECRET = "1111.2222", "soak-client-secret"  # pragma: allowlist secret
STATE_SECRET = "soak-state-secret"  # pragma: allowlist secret
SIGNING_SECRET = "soak-signing-secret"  # pragma: allowlist secret
APP_ID = "A0JOURNEY"
PARTNER = "T0PARTNER"  # the clients' own workspace (Slack Connect)
TEAM_SIZE = 4  # people of each workspace; the first two are the watch's team
REACTORS = 10  # people of each workspace who report irritants
FIELD_MESSAGES = 200  # messages in each workspace's field channel, reacted to
WATCHED_PER_WORKSPACE = 2
CLIENTS_PER_CHANNEL = 500
COMMAND_TEXTS = ("help", "requests", "irritants", "settings")


def team(w: int) -> str:
    return f"T{w:04d}"


def bot_user(w: int) -> str:
    return f"U0BOT{w:04d}"


def person(w: int, i: int) -> str:
    return f"U{w:04d}P{i:03d}"


def field_channel(w: int) -> str:
    return f"C{w:04d}FIELD"


def watched_channel(w: int, k: int) -> str:
    return f"C{w:04d}WATCH{k}"


@dataclass
class World:
    """What the load loop needs to build its next request, and what it saw come back."""

    standin: SlackStandIn
    workspaces: int
    rng: random.Random = field(default_factory=lambda: random.Random(14))
    views: dict[int, dict[str, Any]] = field(default_factory=dict)  # a settings modal by ws
    counter: int = 0
    nudges: list[tuple[int, int, str, str]] = field(default_factory=list)  # (ws, id, ch, ts)
    nudges_read_at: float = 0.0
    watched_messages: int = 0

    # -- the bodies, one per kind -----------------------------------------------------
    def message(self) -> tuple[str, str]:
        """A client's message in a watched channel: written in the stand-in (so the alert
        finds it), then delivered as an event."""
        self.counter += 1
        self.watched_messages += 1
        w = self.rng.randrange(self.workspaces)
        channel = watched_channel(w, self.rng.randrange(WATCHED_PER_WORKSPACE))
        client = f"UCL{w:04d}{self.rng.randrange(CLIENTS_PER_CHANNEL):04d}"
        text = f"client request {self.counter}: the export is broken again"
        ts = self.standin.post_message(channel, user=client, text=text)
        event = {
            "type": "message",
            "channel": channel,
            "user": client,
            "user_team": PARTNER,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
        }
        return "application/json", self._event(w, event)

    def reaction(self) -> tuple[str, str]:
        """`rage` on a message of the workspace's field channel: an irritant report."""
        self.counter += 1
        w = self.rng.randrange(self.workspaces)
        message = self.rng.randrange(FIELD_MESSAGES)
        event = {
            "type": "reaction_added",
            "user": person(w, TEAM_SIZE + self.rng.randrange(REACTORS)),
            "reaction": "rage",
            "item": {"type": "message", "channel": field_channel(w), "ts": _field_ts(message)},
            "item_user": f"UCL{w:04d}0000",
            "event_ts": self.standin.next_ts(),
        }
        return "application/json", self._event(w, event)

    def command(self) -> tuple[str, str]:
        w = self.rng.randrange(self.workspaces)
        return self.command_text(w, self.rng.choice(COMMAND_TEXTS))

    def command_text(self, w: int, text: str) -> tuple[str, str]:
        channel = field_channel(w) if text == "irritants" else watched_channel(w, 0)
        body = slash_command_body(
            text=text,
            team_id=team(w),
            user_id=person(w, self.rng.randrange(TEAM_SIZE)),
            channel_id=channel,
            trigger_id=self.standin.new_trigger_id(team(w)),
            response_url=self.standin.new_response_url(),
        )
        return "application/x-www-form-urlencoded", body

    def click(self) -> tuple[str, str]:
        """A click on "I'll take it" of a nudge posted so far (of a made-up one before any)."""
        if time.monotonic() - self.nudges_read_at > 5:  # the whole call list: not per click
            self.nudges_read_at = time.monotonic()
            self.nudges = [
                (int(str(call.team_id)[1:]), *alert)
                for call in self.standin.calls("chat.postMessage")
                if call.ok and (alert := _alert_of(call)) is not None
            ][-500:]
        if self.nudges:
            w, request_id, channel, ts = self.rng.choice(self.nudges)
        else:
            w = self.rng.randrange(self.workspaces)
            request_id, channel, ts = 2**40, watched_channel(w, 0), self.standin.next_ts()
        payload = block_actions_payload(
            trigger_id=self.standin.new_trigger_id(team(w)),
            actions=[
                button_action(
                    "request-take", block_id="request-alert-actions", value=str(request_id)
                )
            ],
            channel_id=channel,
            message={"type": "message", "ts": ts, "text": "alert", "user": bot_user(w)},
            response_url=self.standin.new_response_url(),
            team_id=team(w),
            user_id=person(w, self.rng.randrange(2)),
        )
        return "application/x-www-form-urlencoded", interactivity_body(payload)

    def submission(self) -> tuple[str, str]:
        """The channel settings modal, saved with what it shows (its initial values)."""
        w = self.rng.choice(sorted(self.views))
        view = self.views[w]
        payload = view_submission_payload(
            view=view,
            values=initial_values(view),
            trigger_id=self.standin.new_trigger_id(team(w)),
            team_id=team(w),
            user_id=person(w, 0),
        )
        return "application/x-www-form-urlencoded", interactivity_body(payload)

    def _event(self, w: int, event: dict[str, Any]) -> str:
        return event_callback_body(
            event,
            team_id=team(w),
            event_id=f"Ev{uuid.uuid4().hex[:12].upper()}",
            bot_user_id=bot_user(w),
        )


def _field_ts(index: int) -> str:
    return f"1700000000.{index:06d}"


def _alert_of(call: Any) -> tuple[int, str, str] | None:
    """(request id, channel, ts) of a nudge the bot posted, from its metadata tag."""
    metadata = call.args.get("metadata")
    if not isinstance(metadata, dict):
        return None
    payload = metadata.get("event_payload") or {}
    if payload.get("action") != "nudge":
        return None
    return int(payload["request_id"]), str(call.response.get("channel")), str(call.response["ts"])


def nudge_key(call: Any) -> tuple[str, int] | None:
    found = _alert_of(call)
    return None if found is None else (str(call.team_id), found[0])


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """The state Slack sends when a modal is submitted untouched."""
    values: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        kind, state = element.get("type"), {"type": element.get("type")}
        if kind in ("static_select", "radio_buttons", "external_select"):
            state["selected_option"] = element.get("initial_option")
        elif kind in ("checkboxes", "multi_static_select"):
            state["selected_options"] = element.get("initial_options") or []
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user")
        elif kind == "conversations_select":
            state["selected_conversation"] = element.get("initial_conversation")
        else:
            state["value"] = element.get("initial_value")
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def populate(standin: SlackStandIn, workspaces: int) -> None:
    for w in range(workspaces):
        standin.add_workspace(
            team(w),
            name=f"Soak {w}",
            bot_token=f"xoxb-soak-{w:04d}",
            bot_user_id=bot_user(w),
            bot_id=f"B0BOT{w:04d}",
        )
        people = [person(w, i) for i in range(TEAM_SIZE + REACTORS)]
        for i, user in enumerate(people):
            locale = "fr-FR" if i % 3 == 1 else "en-US"
            standin.add_user(team(w), user, name=user.lower(), locale=locale)
        standin.add_channel(team(w), field_channel(w), name="field", members=[bot_user(w), *people])
        standin.channels[field_channel(w)].messages.extend(
            Message(_field_ts(i), f"UCL{w:04d}0000", f"client message {i}", None, None)
            for i in range(FIELD_MESSAGES)
        )
        for k in range(WATCHED_PER_WORKSPACE):
            standin.add_channel(
                team(w),
                watched_channel(w, k),
                name=f"client-{k}",
                members=[bot_user(w), *people[:TEAM_SIZE]],
            )


def install_and_watch(database_url: str, api_url: str, workspaces: int, window: int) -> str:
    """Store one OAuth installation per workspace and a short promise on each watched channel
    (straight into the database, as `/journey watch` would); returns the encryption key."""
    from bot.clock import SystemClock
    from bot.settings import load_settings
    from bot.wiring.app import make_core
    from bot.wiring.oauth_store import EncryptedInstallationStore
    from storage.crypto import TokenCipher
    from storage.db import make_engine, make_session_factory
    from storage.enums import PromiseKind, WatchTeam
    from storage.repositories.promises import Terms, add_promise

    key = TokenCipher.generate_key()
    settings = load_settings(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_state_secret=STATE_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        token_encryption_key=key,
        database_url=database_url,
        slack_api_url=api_url,
        _env_file=None,
    )
    engine = make_engine(database_url)
    try:
        core = make_core(settings, make_session_factory(engine), SystemClock())
        store = EncryptedInstallationStore(core, TokenCipher(key), CLIENT_ID)
        now = datetime.now(UTC)

        async def install() -> None:
            for w in range(workspaces):
                await store.async_save(
                    Installation(
                        app_id=APP_ID,
                        team_id=team(w),
                        bot_token=f"xoxb-soak-{w:04d}",
                        bot_id=f"B0BOT{w:04d}",
                        bot_user_id=bot_user(w),
                        bot_scopes=["chat:write", "channels:history", "commands"],
                        user_id=person(w, 0),
                        installed_at=now.timestamp(),
                    )
                )

        asyncio.run(install())
        with make_session_factory(engine).begin() as session:
            for w in range(workspaces):
                for k in range(WATCHED_PER_WORKSPACE):
                    add_promise(
                        session,
                        team_id=team(w),
                        enterprise_id=None,
                        channel_id=watched_channel(w, k),
                        kind=PromiseKind.response_time,
                        created_by=person(w, 0),
                        terms=Terms(
                            text="",
                            window_seconds=window,
                            team_kind=WatchTeam.named_users,
                            team_user_ids=(person(w, 0), person(w, 1)),
                        ),
                        now=now,
                    )
    finally:
        engine.dispose()
    return str(key)


def dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True)
