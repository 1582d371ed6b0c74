"""The small world the stand-in keeps: workspaces, users, channels, messages, views, files."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TRIGGER_LIFETIME_SECONDS = 3.0
MAX_VIEW_STACK = 3


@dataclass
class Workspace:
    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    enterprise_id: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass
class User:
    team_id: str
    id: str
    name: str
    tz: str
    locale: str
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False


@dataclass
class Message:
    ts: str
    user: str | None
    text: str
    thread_ts: str | None = None
    bot_id: str | None = None
    blocks: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Channel:
    team_id: str
    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    messages: list[Message] = field(default_factory=list)


@dataclass
class OpenView:
    id: str
    team_id: str
    root_id: str
    view: dict[str, Any]
    hash: str
    external_id: str | None = None


@dataclass
class UploadedFile:
    id: str
    team_id: str
    filename: str
    length: int
    content: bytes = b""
    title: str | None = None
    channel: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class OAuthCode:
    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    scopes: list[str]
    authed_user_id: str
    enterprise_id: str | None = None
    used: bool = False


class World:
    """All state behind one lock; the clock is injectable so tests can expire triggers."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # token -> team_id
        self.revoked: set[str] = set()
        self.users: dict[tuple[str, str], User] = {}
        self.channels: dict[str, Channel] = {}
        self.triggers: dict[str, tuple[str, float, bool]] = {}  # id -> (team, issued, used)
        self.views: dict[str, OpenView] = {}
        self.files: dict[str, UploadedFile] = {}
        self.oauth_codes: dict[str, OAuthCode] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._base_ts = int(time.time())

    # -- identifiers ------------------------------------------------------------------
    def next_ts(self) -> str:
        """Strictly increasing message timestamps near real time, like Slack's."""
        return f"{self._base_ts}.{next(self._ts):06d}"

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    # -- world building ---------------------------------------------------------------
    def add_workspace(self, workspace: Workspace) -> None:
        with self.lock:
            self.workspaces[workspace.team_id] = workspace
            self.tokens[workspace.bot_token] = workspace.team_id

    def channel(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id)

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        return next((m for m in channel.messages if m.ts == ts), None)

    def dm_channel(self, team_id: str, user_id: str) -> Channel:
        channel_id = "D" + user_id.lstrip("UW")
        with self.lock:
            if channel_id not in self.channels:
                bot = self.workspaces[team_id].bot_user_id
                self.channels[channel_id] = Channel(
                    team_id, channel_id, user_id, [bot, user_id], is_im=True
                )
        return self.channels[channel_id]

    # -- triggers ---------------------------------------------------------------------
    def new_trigger(self, team_id: str) -> str:
        trigger_id = f"{next(self._ids)}.{uuid.uuid4().hex[:8]}"
        with self.lock:
            self.triggers[trigger_id] = (team_id, self.clock(), False)
        return trigger_id

    def use_trigger(self, trigger_id: str) -> str:
        """The trigger's team; raises the error name Slack would answer."""
        with self.lock:
            entry = self.triggers.get(trigger_id)
            if entry is None:
                raise LookupError("invalid_trigger_id")
            team_id, issued, used = entry
            if used:
                raise LookupError("exchanged_trigger_id")
            if self.clock() - issued > TRIGGER_LIFETIME_SECONDS:
                raise LookupError("expired_trigger_id")
            self.triggers[trigger_id] = (team_id, issued, True)
            return team_id

    def expire_trigger(self, trigger_id: str) -> None:
        with self.lock:
            team_id, _issued, used = self.triggers[trigger_id]
            self.triggers[trigger_id] = (team_id, self.clock() - TRIGGER_LIFETIME_SECONDS - 1, used)
