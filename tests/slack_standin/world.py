"""The small world the stand-in keeps: workspaces, users, channels, messages, triggers, views.

`World` holds the state and its rules and is the world-building half of `SlackStandIn` (which
inherits it). Everything sits behind one re-entrant lock, since the server thread and the test
thread both touch it. Time-limited things (trigger ids, response URLs) read `World.clock`: the
real monotonic clock plus an offset that `advance_clock()` moves, so tests never sleep to expire.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.slack_standin.validation import SlackError

TRIGGER_LIFETIME_SECONDS = 3.0  # a trigger_id is usable for 3 s, once
MAX_VIEW_STACK = 3  # a modal holds at most 3 views
RESPONSE_URL_USES = 5  # a response_url takes up to 5 posts…
RESPONSE_URL_LIFETIME_SECONDS = 30 * 60  # …within 30 minutes
APP_ID = "A0JOURNEY"


@dataclass
class Workspace:
    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    enterprise_id: str | None = None
    scopes: tuple[str, ...] | None = None  # None: every scope granted (no missing_scope)
    # Slack's token rotation: each access token lives this many seconds (None: rotation off).
    token_lifetime: int | None = None
    # An org-wide Enterprise Grid install: one token for every workspace of the org.
    org_install: bool = False


@dataclass
class User:
    team_id: str
    id: str
    name: str
    tz: str = "Europe/Paris"
    locale: str = "en-US"
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False
    # Do Not Disturb as other users see it through dnd.info: the next (or current) period.
    dnd_start: int | None = None  # Unix seconds
    dnd_end: int | None = None


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
    files: list[str] = field(default_factory=list)


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
    is_ext_shared: bool = False  # Slack Connect: shared with another organisation


@dataclass
class Trigger:
    team_id: str
    issued_at: float
    view_id: str | None = None  # set when the interaction happened inside a modal
    used: bool = False


@dataclass
class OpenView:
    id: str
    team_id: str
    root_id: str
    previous_id: str | None
    view: dict[str, Any]
    hash: str
    bot_id: str
    external_id: str | None = None
    closed: bool = False


@dataclass
class UploadedFile:
    id: str
    team_id: str
    filename: str
    length: int
    content: bytes | None = None  # None until the bytes are posted to the upload URL
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False
    alt_txt: str | None = None


@dataclass
class OAuthCode:
    workspace: Workspace
    authed_user_id: str
    user_scopes: list[str]
    user_token: str | None
    used: bool = False


class World:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.lock = threading.RLock()
        self._base_clock = clock
        self._offset = 0.0
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # bot token -> team_id
        # Token rotation: when each expiring token lapses (wall clock, seconds), and which
        # refresh tokens are still unspent (refresh token -> team_id; each works once).
        self.token_expiry: dict[str, float] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.revoked: set[str] = set()
        self.users: dict[tuple[str, str], User] = {}
        self.channels: dict[str, Channel] = {}
        self.triggers: dict[str, Trigger] = {}
        self.views: dict[str, OpenView] = {}
        self.home_views: dict[tuple[str, str], OpenView] = {}
        self.files: dict[str, UploadedFile] = {}
        self.oauth_codes: dict[str, OAuthCode] = {}
        self.response_urls: dict[str, list[float]] = {}  # id -> [issued_at, uses]
        self.tickets: set[str] = set()  # Socket Mode tickets from apps.connections.open
        self.unknown_thread_posts: list[tuple[str, str]] = []  # (channel, thread_ts)
        self._ids = itertools.count(1)
        self._last_ts_micros = 0

    # -- world building (public) --------------------------------------------------------
    def add_workspace(
        self,
        team_id: str,
        *,
        name: str,
        bot_token: str,
        bot_user_id: str,
        bot_id: str,
        enterprise_id: str | None = None,
        domain: str | None = None,
        scopes: list[str] | None = None,
    ) -> None:
        """`scopes=None` grants every scope; a list makes methods answer `missing_scope`."""
        granted = None if scopes is None else tuple(scopes)
        domain = domain or team_id.lower()
        self.install(
            Workspace(team_id, name, domain, bot_token, bot_user_id, bot_id, enterprise_id, granted)
        )

    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        tz: str = "Europe/Paris",
        locale: str = "en-US",
        is_bot: bool = False,
        is_admin: bool = False,
        deleted: bool = False,
    ) -> None:
        user = User(team_id, user_id, name, tz, locale, is_bot, is_admin, deleted)
        with self.lock:
            self.users[(team_id, user_id)] = user

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str,
        members: list[str],
        is_private: bool = False,
        is_archived: bool = False,
        is_ext_shared: bool = False,
    ) -> None:
        """The bot is in the channel exactly when its bot_user_id is in `members`;
        `is_ext_shared` makes it a Slack Connect channel shared with another organisation."""
        channel = Channel(team_id, channel_id, name, list(members), is_private, is_archived)
        channel.is_ext_shared = is_ext_shared
        with self.lock:
            self.channels[channel_id] = channel

    def set_dnd(self, team_id: str, user_id: str, start: int | None, end: int | None) -> None:
        """Schedule a user's Do Not Disturb period (Unix seconds); None, None turns it off."""
        with self.lock:
            user = self.users[(team_id, user_id)]
            user.dnd_start, user.dnd_end = start, end

    def post_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        bot_id: str | None = None,
    ) -> str:
        """A message written by someone other than the bot under test; returns its ts."""
        with self.lock:
            ts = self.next_ts()
            self.channels[channel_id].messages.append(Message(ts, user, text, thread_ts, bot_id))
            return ts

    def delete_message(self, channel_id: str, ts: str) -> None:
        with self.lock:
            channel = self.channels[channel_id]
            channel.messages = [m for m in channel.messages if m.ts != ts]

    def messages(self, channel_id: str) -> list[Message]:
        """Every message of the channel (thread replies included), oldest first."""
        with self.lock:
            return list(self.channels[channel_id].messages)

    def add_oauth_code(
        self,
        code: str,
        *,
        team_id: str,
        team_name: str,
        bot_token: str,
        bot_user_id: str,
        bot_id: str,
        scopes: list[str],
        authed_user_id: str,
        enterprise_id: str | None = None,
        user_scopes: list[str] | None = None,
        user_token: str | None = None,
        token_lifetime: int | None = None,
        org_install: bool = False,
    ) -> None:
        """A code oauth.v2.access exchanges (once) for an install with exactly `scopes`.

        `token_lifetime`: the app has token rotation on, and each token lives that long.
        `org_install`: an org-wide install of `enterprise_id`; `team_id` is the org's
        workspace whose channels the stand-in keeps (the token works there).
        """
        domain = team_name.lower().replace(" ", "-")
        workspace = Workspace(
            team_id,
            team_name,
            domain,
            bot_token,
            bot_user_id,
            bot_id,
            enterprise_id,
            tuple(scopes),
            token_lifetime,
            org_install,
        )
        with self.lock:
            self.oauth_codes[code] = OAuthCode(
                workspace, authed_user_id, list(user_scopes or []), user_token
            )

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self.revoked.add(token)

    def new_trigger_id(self, team_id: str, *, view_id: str | None = None) -> str:
        """A trigger_id valid 3 s, once; `view_id`: the interaction happened in that modal."""
        # Slack's look like "1234567890123.1234567890123.0123456789abcdef0123456789abcdef".
        trigger_id = f"{next(self._ids):013d}.{int(time.time() * 1000):013d}.{uuid.uuid4().hex}"
        with self.lock:
            self.triggers[trigger_id] = Trigger(team_id, self.clock(), view_id)
        return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        with self.lock:
            self.triggers[trigger_id].issued_at = self.clock() - TRIGGER_LIFETIME_SECONDS - 1

    def advance_clock(self, seconds: float) -> None:
        """Age trigger ids, response URLs and expiring tokens by `seconds` without sleeping."""
        with self.lock:
            self._offset += seconds

    def _file_json(self, file_id: str) -> dict[str, Any]:
        """A shared file as a message shows it: id, name and title (Slack sends many more)."""
        found = self.files.get(file_id)
        if found is None:
            return {"id": file_id}
        return {"id": file_id, "name": found.filename, "title": found.title or found.filename}

    def uploaded_files(self) -> list[UploadedFile]:
        """Files completed with files.completeUploadExternal, in upload order."""
        with self.lock:
            return [f for f in self.files.values() if f.completed]

    def view(self, view_id: str) -> dict[str, Any]:
        """A view as Slack holds it now (to build view_submission payloads from)."""
        with self.lock:
            return self.view_json(self.views[view_id])

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """The user closed (or submitted) a view; `clear` closes its whole modal."""
        with self.lock:
            view = self.views[view_id]
            for other in self.stack(view.root_id):
                if clear or other.id == view_id:
                    other.closed = True

    def home_view(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            opened = self.home_views.get((team_id, user_id))
            return dict(opened.view) if opened else None

    # -- time, identifiers, lookups -----------------------------------------------------
    def clock(self) -> float:
        return self._base_clock() + self._offset

    def wall_clock(self) -> float:
        """Unix seconds as the stand-in sees them (token expiry is a wall-clock instant)."""
        return time.time() + self._offset

    def issue_expiring_token(self, ws: Workspace, token: str) -> tuple[str, int]:
        """Token rotation: `token` lives `ws.token_lifetime` s; returns (refresh, expires_in)."""
        assert ws.token_lifetime is not None
        refresh = f"xoxe-1-{ws.team_id.lower()}-{uuid.uuid4().hex[:12]}"
        with self.lock:
            self.tokens[token] = ws.team_id
            self.token_expiry[token] = self.wall_clock() + ws.token_lifetime
            self.refresh_tokens[refresh] = ws.team_id
        return refresh, ws.token_lifetime

    def next_ts(self) -> str:
        """Slack-style "seconds.micros" near real time, strictly increasing."""
        with self.lock:
            micros = max(int(time.time() * 1_000_000), self._last_ts_micros + 1)
            self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08X}"

    def new_hash(self) -> str:
        return f"{int(time.time())}.{uuid.uuid4().hex[:8]}"

    def install(self, workspace: Workspace) -> None:
        with self.lock:
            self.workspaces[workspace.team_id] = workspace
            self.tokens[workspace.bot_token] = workspace.team_id
            self.revoked.discard(workspace.bot_token)
            key = (workspace.team_id, workspace.bot_user_id)
            self.users.setdefault(key, User(*key, name="journeybot", is_bot=True))

    def workspace_for(self, token: str | None) -> Workspace:
        if not token:
            raise SlackError("not_authed")
        if token in self.revoked:
            raise SlackError("token_revoked")
        if token not in self.tokens:
            raise SlackError("invalid_auth")
        expiry = self.token_expiry.get(token)
        if expiry is not None and self.wall_clock() >= expiry:
            raise SlackError("token_expired")
        return self.workspaces[self.tokens[token]]

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        channel = self.channels.get(channel_id)
        return next((m for m in channel.messages if m.ts == ts), None) if channel else None

    def dm_channel(self, team_id: str, user_id: str) -> Channel:
        """The bot's DM with a user: one stable D… id per (team, user), as Slack keeps."""
        channel_id = "D" + hashlib.sha1(f"{team_id}:{user_id}".encode()).hexdigest()[:9].upper()
        with self.lock:
            if channel_id not in self.channels:
                members = [self.workspaces[team_id].bot_user_id, user_id]
                self.channels[channel_id] = Channel(
                    team_id, channel_id, user_id, members, is_private=True, is_im=True
                )
            return self.channels[channel_id]

    # -- rules: triggers, response URLs, modal stacks -----------------------------------
    def use_trigger(self, trigger_id: str, team_id: str) -> Trigger:
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None or trigger.team_id != team_id:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - trigger.issued_at > TRIGGER_LIFETIME_SECONDS:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger

    def issue_response_url(self) -> str:
        response_id = uuid.uuid4().hex
        with self.lock:
            self.response_urls[response_id] = [self.clock(), 0]
        return response_id

    def use_response_url(self, response_id: str) -> None:
        with self.lock:
            entry = self.response_urls.get(response_id)
            if entry is None:
                raise SlackError("no_service")  # Slack's webhook answer for an unknown hook
            issued_at, uses = entry
            if (
                self.clock() - issued_at > RESPONSE_URL_LIFETIME_SECONDS
                or uses >= RESPONSE_URL_USES
            ):
                raise SlackError("expired_url")
            entry[1] = uses + 1

    def stack(self, root_id: str) -> list[OpenView]:
        return [v for v in self.views.values() if v.root_id == root_id and not v.closed]

    def open_view(self, ws: Workspace, view: dict[str, Any], parent: OpenView | None) -> OpenView:
        view_id = self.next_id("V")
        opened = OpenView(
            id=view_id,
            team_id=ws.team_id,
            root_id=parent.root_id if parent else view_id,
            previous_id=parent.id if parent else None,
            view=view,
            hash=self.new_hash(),
            bot_id=ws.bot_id,
            external_id=view.get("external_id") or None,
        )
        with self.lock:
            self.views[view_id] = opened
        return opened

    # -- rendering, as Slack's JSON -----------------------------------------------------
    @staticmethod
    def view_json(opened: OpenView) -> dict[str, Any]:
        """A view as views.* return it (and as interaction payloads carry it)."""
        view = opened.view
        return {
            "id": opened.id,
            "team_id": opened.team_id,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": opened.hash,
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": opened.previous_id,
            "root_view_id": opened.root_id,
            "app_id": APP_ID,
            "external_id": opened.external_id or "",
            "app_installed_team_id": opened.team_id,
            "bot_id": opened.bot_id,
        }

    def user_json(self, team_id: str, user_id: str, *, locale: bool) -> dict[str, Any]:
        user = self.users.get((team_id, user_id))
        if user is None:
            raise SlackError("user_not_found")
        now = datetime.now(ZoneInfo(user.tz))
        offset = now.utcoffset()
        data: dict[str, Any] = {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.name.title(),
            "deleted": user.deleted,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "is_admin": user.is_admin,
            "is_owner": False,
            "tz": user.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {"real_name": user.name.title(), "display_name": user.name},
        }
        if locale:  # Slack sends `locale` only when the caller passes include_locale=true
            data["locale"] = user.locale
        return data

    def message_json(self, channel: Channel, message: Message, *, metadata: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
        data["team"] = channel.team_id
        if message.user:
            data["user"] = message.user
        if message.bot_id:
            data.update(bot_id=message.bot_id, app_id=APP_ID)
        if message.blocks:
            data["blocks"] = message.blocks
        if message.thread_ts:
            data["thread_ts"] = message.thread_ts
        replies = [m for m in channel.messages if m.thread_ts == message.ts and m is not message]
        if replies:  # a thread's parent tells how many replies it has
            data.update(
                thread_ts=message.ts,
                reply_count=len(replies),
                reply_users=sorted({m.user for m in replies if m.user}),
                latest_reply=replies[-1].ts,
            )
        if message.metadata and metadata:  # only with include_all_metadata=true
            data["metadata"] = message.metadata
        if message.files:
            data.update(subtype="file_share", files=[self._file_json(f) for f in message.files])
        reactions = [(n, u) for n, u in message.reactions.items() if u]
        if reactions:
            data["reactions"] = [{"name": n, "users": u, "count": len(u)} for n, u in reactions]
        return data
