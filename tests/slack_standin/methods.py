"""Web API methods, answered the way Slack answers them: scopes, required args, membership.

Per-method rate limits are NOT simulated: Slack's tiers are per app, per workspace and per
minute, and a test that wants a 429 asks for one with `SlackStandIn.inject`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.slack_standin.validation import (
    SlackError,
    decode_json_arg,
    invalid_arguments,
    validate_message,
    validate_metadata,
    validate_view,
)
from tests.slack_standin.world import (
    APP_ID,
    MAX_VIEW_STACK,
    Channel,
    Message,
    OpenView,
    UploadedFile,
    Workspace,
    World,
)

Handler = Callable[["Methods", Workspace, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, tuple[Handler, tuple[str, ...]]] = {}


def api(name: str, *scopes: str) -> Callable[[Handler], Handler]:
    """Register a method under its Slack name with the scopes it needs (any one will do).

    The conversations.* methods need a scope that depends on the channel's type: they check
    it themselves with `_channel_scope`.
    """

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = (handler, scopes)
        return handler

    return register


def granted_scopes(ws: Workspace) -> tuple[str, ...]:
    """What `x-oauth-scopes` lists: the install's scopes, or every scope the stand-in checks."""
    if ws.scopes is not None:
        return ws.scopes
    kinds = [f"{p}:{k}" for p in ("channels", "groups", "im") for k in ("read", "history")]
    known = {scope for _handler, scopes in HANDLERS.values() for scope in scopes}
    return tuple(sorted(known | set(kinds) | {"commands"}))


@dataclass
class AppConfig:
    client_id: str | None
    client_secret: str | None
    app_token: str | None


def require(args: dict[str, Any], name: str, error: str | None = None) -> Any:
    """The arg's value; missing: the method's own error, else Slack's generic one."""
    value = args.get(name)
    if value in (None, ""):
        raise SlackError(error) if error else invalid_arguments(f"missing required field: {name}")
    return value


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _micros(ts: Any, error: str = "invalid_ts_latest") -> int:
    """Compare "1700000000.000100" exactly: floats lose the last digit at this size."""
    seconds, _dot, fraction = str(ts).partition(".")
    try:
        return int(seconds or 0) * 1_000_000 + int((fraction + "000000")[:6])
    except ValueError:
        raise SlackError(error) from None


def _page(items: list[Any], args: dict[str, Any], default: int = 100) -> tuple[list[Any], str]:
    """Cursor pagination with Slack's opaque base64 cursors ("" when no more)."""
    cursor = str(args.get("cursor") or "")
    try:
        start = int(base64.b64decode(cursor).decode().removeprefix("next:")) if cursor else 0
        limit = min(max(int(args.get("limit") or default), 1), 1000)
    except (ValueError, binascii.Error):
        raise SlackError("invalid_cursor") from None
    end = start + limit
    next_cursor = base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], next_cursor


class Methods:
    def __init__(self, world: World, base_url: Callable[[], str], app: AppConfig) -> None:
        self.world = world
        self._base_url = base_url
        self.app = app
        self.ephemeral: list[dict[str, Any]] = []

    def dispatch(self, method: str, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        """The `ok: true` body's fields, or SlackError; runs under the world's lock."""
        with self.world.lock:
            if method == "oauth.v2.access":
                return self.oauth_v2_access(args)
            if method == "apps.connections.open":
                return self.apps_connections_open(token)
            if method not in HANDLERS:
                raise SlackError("unknown_method")
            handler, scopes = HANDLERS[method]
            ws = self.world.workspace_for(token)
            if ws.org_install:
                ws = self._org_workspace(ws, args)
            self._need(ws, *scopes)
            return handler(self, ws, args)

    # -- helpers ------------------------------------------------------------------------
    def _org_workspace(self, org: Workspace, args: dict[str, Any]) -> Workspace:
        """An org-wide token acts in the org's workspace the call names (`team_id`, or the
        channel's workspace); a workspace of another org stays out of reach."""
        team_id = args.get("team_id")
        channel = self.world.channels.get(str(args.get("channel") or ""))
        if not team_id and channel is not None:
            team_id = channel.team_id
        named = self.world.workspaces.get(str(team_id or ""))
        if named is None or named.enterprise_id != org.enterprise_id:
            return org
        return Workspace(
            named.team_id,
            named.name,
            named.domain,
            org.bot_token,
            org.bot_user_id,
            org.bot_id,
            org.enterprise_id,
            org.scopes,
            org.token_lifetime,
            org_install=True,
        )

    @staticmethod
    def _need(ws: Workspace, *scopes: str) -> None:
        if scopes and ws.scopes is not None and not set(scopes) & set(ws.scopes):
            raise SlackError("missing_scope", needed=scopes[0], provided=",".join(ws.scopes))

    def _channel_scope(self, ws: Workspace, channel: Channel, kind: str) -> None:
        prefix = "im" if channel.is_im else "groups" if channel.is_private else "channels"
        self._need(ws, f"{prefix}:{kind}")

    def _channel(self, ws: Workspace, args: dict[str, Any], *, member: bool = True) -> Channel:
        """The channel named by `channel`; a user id stands for the bot's DM with them."""
        channel_id = str(require(args, "channel", "channel_not_found"))
        if channel_id[0] in "UW" and (ws.team_id, channel_id) in self.world.users:
            return self.world.dm_channel(ws.team_id, channel_id)
        channel = self.world.channels.get(channel_id)
        if channel is None or channel.team_id != ws.team_id:
            raise SlackError("channel_not_found")
        if ws.bot_user_id not in channel.members and (member or channel.is_private):
            # A private channel the bot isn't in doesn't exist as far as the bot can tell.
            raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        return channel

    def _message(self, channel: Channel, ts: Any) -> Message:
        message = self.world.find_message(channel.id, str(ts))
        if message is None:
            raise SlackError("message_not_found")
        return message

    # -- identity and OAuth -------------------------------------------------------------
    @api("auth.test")
    def auth_test(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.name,
            "user": "journeybot",
            # An org-wide token belongs to no one workspace: the org answers for it, so a bot
            # that files data under auth.test's team would merge the org's workspaces.
            "team_id": ws.enterprise_id if ws.org_install else ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "enterprise_id": ws.enterprise_id,
            "is_enterprise_install": ws.org_install,
        }

    @api("team.info", "team:read")
    def team_info(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        team = {"id": ws.team_id, "name": ws.name, "domain": ws.domain, "email_domain": ""}
        if ws.enterprise_id:
            team["enterprise_id"] = ws.enterprise_id
        return {"team": team}

    @api("users.info", "users:read")
    def users_info(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(require(args, "user", "user_not_found"))
        locale = _truthy(args.get("include_locale"))
        return {"user": self.world.user_json(ws.team_id, user_id, locale=locale)}

    @api("dnd.info", "dnd:read")
    def dnd_info(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        """Another user's DND as a bot sees it: snooze_* fields are only shown to the user
        themselves, so only the scheduled period is answered."""
        user = self.world.users.get((ws.team_id, str(args.get("user") or "")))
        if user is None:
            raise SlackError("user_not_found")
        enabled = user.dnd_start is not None and user.dnd_end is not None
        return {
            "dnd_enabled": enabled,
            "next_dnd_start_ts": user.dnd_start or 1,
            "next_dnd_end_ts": user.dnd_end or 1,
        }

    def oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("client_id") or args.get("client_id") != self.app.client_id:
            raise SlackError("invalid_client_id")
        if args.get("client_secret") != self.app.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            return self._refresh(str(require(args, "refresh_token", "invalid_refresh_token")))
        code = self.world.oauth_codes.get(str(require(args, "code", "invalid_code")))
        if code is None or code.used:
            raise SlackError("invalid_code")  # codes are single-use
        code.used = True
        ws = code.workspace
        self.world.install(ws)
        authed_user: dict[str, Any] = {"id": code.authed_user_id}
        if code.user_token:
            authed_user.update(
                scope=",".join(code.user_scopes), access_token=code.user_token, token_type="user"
            )
        answer = {**self._grant(ws, ws.bot_token), "authed_user": authed_user}
        return answer

    def _grant(self, ws: Workspace, token: str) -> dict[str, Any]:
        """What oauth.v2.access says of a bot token; with rotation on, its expiry and refresh."""
        enterprise = {"id": ws.enterprise_id, "name": ws.enterprise_id}
        grant: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(ws.scopes or ()),
            "bot_user_id": ws.bot_user_id,
            "app_id": APP_ID,
            # An org-wide install belongs to no one workspace.
            "team": None if ws.org_install else {"id": ws.team_id, "name": ws.name},
            "enterprise": enterprise if ws.enterprise_id else None,
            "is_enterprise_install": ws.org_install,
        }
        if ws.token_lifetime is not None:
            refresh, expires_in = self.world.issue_expiring_token(ws, token)
            grant.update(refresh_token=refresh, expires_in=expires_in)
        return grant

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """Token rotation: a refresh token buys one new pair, then is spent."""
        team_id = self.world.refresh_tokens.pop(refresh_token, None)
        if team_id is None:
            raise SlackError("invalid_refresh_token")
        ws = self.world.workspaces[team_id]
        ws.bot_token = f"xoxe.xoxb-{team_id.lower()}-{uuid.uuid4().hex[:16]}"
        return self._grant(ws, ws.bot_token)

    def apps_connections_open(self, token: str | None) -> dict[str, Any]:
        if not token:
            raise SlackError("not_authed")
        if not token.startswith("xapp-"):
            raise SlackError("not_allowed_token_type")  # needs an app-level token
        if token != self.app.app_token or token in self.world.revoked:
            raise SlackError("invalid_auth")
        ticket = uuid.uuid4().hex
        self.world.tickets.add(ticket)
        base = self._base_url().replace("http://", "ws://")
        return {"url": f"{base}/link?ticket={ticket}&app_id={APP_ID}"}

    # -- conversations ------------------------------------------------------------------
    @api("conversations.info")
    def conversations_info(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args, member=False)
        self._channel_scope(ws, channel, "read")
        return {
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_channel": not channel.is_private,
                "is_group": channel.is_private and not channel.is_im,
                "is_im": channel.is_im,
                "is_private": channel.is_private,
                "is_archived": channel.is_archived,
                "is_member": ws.bot_user_id in channel.members,
                "is_shared": channel.is_ext_shared,
                "is_ext_shared": channel.is_ext_shared,
                "is_org_shared": False,
                "context_team_id": channel.team_id,
            }
        }

    @api("conversations.members")
    def conversations_members(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args, member=False)
        self._channel_scope(ws, channel, "read")
        members, cursor = _page(channel.members, args)
        return {"members": members, "response_metadata": {"next_cursor": cursor}}

    def _window(
        self, channel: Channel, messages: list[Message], args: dict[str, Any]
    ) -> dict[str, Any]:
        inclusive = _truthy(args.get("inclusive"))
        latest = _micros(args["latest"]) if args.get("latest") else None
        oldest = _micros(args.get("oldest") or 0, "invalid_ts_oldest")

        def inside(message: Message) -> bool:
            at = _micros(message.ts)
            if latest is not None and (at > latest or (at == latest and not inclusive)):
                return False
            return at > oldest or (at == oldest and inclusive)

        page, cursor = _page([m for m in messages if inside(m)], args)
        return {
            "messages": [
                self.world.message_json(
                    channel, m, metadata=_truthy(args.get("include_all_metadata"))
                )
                for m in page
            ],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    @api("conversations.history")
    def conversations_history(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        self._channel_scope(ws, channel, "history")
        # Replies stay in their thread; one whose parent doesn't exist is shown top-level.
        stamps = {m.ts for m in channel.messages}
        top = [
            m for m in channel.messages if m.thread_ts in (None, m.ts) or m.thread_ts not in stamps
        ]
        return self._window(channel, top[::-1], args)  # newest first, like Slack

    @api("conversations.replies")
    def conversations_replies(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        self._channel_scope(ws, channel, "history")
        parent = self.world.find_message(channel.id, str(require(args, "ts", "thread_not_found")))
        if parent is None:
            raise SlackError("thread_not_found")
        if parent.thread_ts and parent.thread_ts != parent.ts:
            thread = [parent]  # a reply's own ts gives just that reply (bolt-python#783)
        else:
            thread = [m for m in channel.messages if parent.ts in (m.ts, m.thread_ts)]
        return self._window(channel, thread, args)  # oldest first, parent included

    @api("conversations.join", "channels:join")
    def conversations_join(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args, member=False)
        if channel.is_private or channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        if ws.bot_user_id not in channel.members:
            channel.members.append(ws.bot_user_id)
        return {"channel": {"id": channel.id, "name": channel.name, "is_member": True}}

    @api("conversations.open", "im:write", "mpim:write")
    def conversations_open(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(require(args, "users", "users_list_not_supplied")).split(",") if u]
        if len(users) != 1:
            raise SlackError("not_supported")  # group DMs (mpim) aren't simulated
        self.world.user_json(ws.team_id, users[0], locale=False)  # user_not_found
        return {"channel": {"id": self.world.dm_channel(ws.team_id, users[0]).id}}

    # -- chat ---------------------------------------------------------------------------
    @api("chat.postMessage", "chat:write")
    def chat_post_message(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        if channel.is_archived:
            raise SlackError("is_archived")
        validate_message(args)
        metadata = validate_metadata(args.get("metadata"))
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        if thread_ts and self.world.find_message(channel.id, thread_ts) is None:
            # Slack still answers ok; tests can find these in `unknown_thread_posts`.
            self.world.unknown_thread_posts.append((channel.id, thread_ts))
        message = Message(
            ts=self.world.next_ts(),
            user=ws.bot_user_id,
            text=str(args.get("text") or ""),
            thread_ts=thread_ts,
            bot_id=ws.bot_id,
            blocks=args.get("blocks"),
            metadata=metadata,
        )
        channel.messages.append(message)
        shown = self.world.message_json(channel, message, metadata=True)
        return {"channel": channel.id, "ts": message.ts, "message": shown}

    @api("chat.postEphemeral", "chat:write")
    def chat_post_ephemeral(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        user = str(require(args, "user", "user_not_found"))
        if user not in channel.members:
            raise SlackError("user_not_in_channel")
        validate_message(args)
        self.ephemeral.append({**args, "channel": channel.id})
        return {"message_ts": self.world.next_ts()}

    @api("chat.update", "chat:write")
    def chat_update(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        message = self._message(channel, require(args, "ts", "message_not_found"))
        if message.user != ws.bot_user_id:
            raise SlackError("cant_update_message")
        validate_message(args)
        # What the update leaves out stays as it was (Slack keeps the old blocks, too).
        message.text = str(args["text"]) if "text" in args else message.text
        message.blocks = args.get("blocks", message.blocks)
        shown = self.world.message_json(channel, message, metadata=False)
        return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": shown}

    @api("chat.delete", "chat:write")
    def chat_delete(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args)
        message = self._message(channel, require(args, "ts", "message_not_found"))
        if message.user != ws.bot_user_id:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        return {"channel": channel.id, "ts": message.ts}

    @api("chat.getPermalink")
    def chat_get_permalink(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, args, member=False)
        message = self._message(channel, require(args, "message_ts", "message_not_found"))
        link = f"https://{ws.domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.thread_ts and message.thread_ts != message.ts:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    # -- reactions ----------------------------------------------------------------------
    def _reacted(self, ws: Workspace, args: dict[str, Any]) -> tuple[Channel, Message]:
        if not args.get("channel") or not args.get("timestamp"):
            raise SlackError("no_item_specified")
        channel = self._channel(ws, args)
        return channel, self._message(channel, args["timestamp"])

    @api("reactions.add", "reactions:write")
    def reactions_add(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        name = str(require(args, "name", "invalid_name")).strip(":")
        _channel, message = self._reacted(ws, args)
        users = message.reactions.setdefault(name, [])
        if ws.bot_user_id in users:
            raise SlackError("already_reacted")
        users.append(ws.bot_user_id)
        return {}

    @api("reactions.remove", "reactions:write")
    def reactions_remove(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        name = str(require(args, "name", "invalid_name")).strip(":")
        _channel, message = self._reacted(ws, args)
        if ws.bot_user_id not in message.reactions.get(name, []):
            raise SlackError("no_reaction")
        message.reactions[name].remove(ws.bot_user_id)
        return {}

    @api("reactions.get", "reactions:read")
    def reactions_get(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._reacted(ws, args)
        shown = self.world.message_json(channel, message, metadata=False)
        return {"type": "message", "channel": channel.id, "message": shown}

    # -- views --------------------------------------------------------------------------
    def _trigger_parent(self, ws: Workspace, args: dict[str, Any]) -> OpenView | None:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise invalid_arguments("missing required field: trigger_id")
        trigger = self.world.use_trigger(str(trigger_id), ws.team_id)
        return self.world.views.get(trigger.view_id or "")

    def _check_external_id(self, ws: Workspace, view: dict[str, Any]) -> None:
        external_id = view.get("external_id")
        if external_id and any(
            v.team_id == ws.team_id and v.external_id == external_id
            for v in self.world.views.values()
        ):
            raise SlackError("duplicate_external_id")

    @api("views.open")
    def views_open(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        view = validate_view(require(args, "view"), "modal")
        self._trigger_parent(ws, args)
        self._check_external_id(ws, view)
        return {"view": self.world.view_json(self.world.open_view(ws, view, None))}

    @api("views.push")
    def views_push(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        view = validate_view(require(args, "view"), "modal")
        parent = self._trigger_parent(ws, args)
        if parent is None or parent.closed:
            # Slack only pushes from an interaction inside an open modal (python-slack-sdk#804).
            raise SlackError("invalid_trigger_id")
        stack = self.world.stack(parent.root_id)
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        self._check_external_id(ws, view)
        return {"view": self.world.view_json(self.world.open_view(ws, view, stack[-1]))}

    @api("views.update")
    def views_update(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if bool(view_id) == bool(external_id):
            raise invalid_arguments("exactly one of view_id or external_id is required")
        view = validate_view(require(args, "view"), "modal")
        ours = [v for v in self.world.views.values() if v.team_id == ws.team_id]
        named = [
            v for v in ours if v.id == view_id or (external_id and v.external_id == external_id)
        ]
        opened = named[0] if named else None
        if opened is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != opened.hash:
            raise SlackError("hash_conflict")
        opened.view, opened.hash = view, self.world.new_hash()
        opened.external_id = view.get("external_id") or opened.external_id
        return {"view": self.world.view_json(opened)}

    @api("views.publish")
    def views_publish(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(require(args, "user_id"))
        view = validate_view(require(args, "view"), "home")
        self.world.user_json(ws.team_id, user_id, locale=False)  # user_not_found
        current = self.world.home_views.get((ws.team_id, user_id))
        if current is not None and args.get("hash") and args["hash"] != current.hash:
            raise SlackError("hash_conflict")
        if current is None:
            current = self.world.open_view(ws, view, None)
            self.world.home_views[(ws.team_id, user_id)] = current
        current.view, current.hash = view, self.world.new_hash()
        return {"view": self.world.view_json(current)}

    # -- files (upload v2) --------------------------------------------------------------
    @api("files.getUploadURLExternal", "files:write")
    def files_get_upload_url(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(require(args, "filename", "missing_argument"))
        try:
            length = int(require(args, "length", "missing_argument"))
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if length < 1:
            raise SlackError("invalid_arguments")
        alt_txt = args.get("alt_txt")
        if alt_txt is not None and len(str(alt_txt)) > 1000:
            raise SlackError("invalid_arguments")  # Slack caps a file's alt text at 1,000
        file_id = self.world.next_id("F")
        self.world.files[file_id] = UploadedFile(file_id, ws.team_id, filename, length)
        self.world.files[file_id].alt_txt = str(alt_txt) if alt_txt is not None else None
        return {"upload_url": f"{self._base_url()}/upload/{file_id}", "file_id": file_id}

    @api("files.completeUploadExternal", "files:write")
    def files_complete_upload(self, ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
        entries = decode_json_arg(require(args, "files"), "invalid_arguments")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        channel_id = args.get("channel_id") or args.get("channels")
        channel = self._channel(ws, {"channel": channel_id}) if channel_id else None
        uploads: list[UploadedFile] = []
        for entry in entries:
            uploaded = self.world.files.get(str(entry.get("id") if isinstance(entry, dict) else ""))
            if uploaded is None or uploaded.team_id != ws.team_id or uploaded.content is None:
                raise SlackError("file_not_found")  # unknown, or its bytes were never posted
            uploaded.title = str(entry.get("title") or uploaded.filename)
            uploads.append(uploaded)
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        for uploaded in uploads:
            uploaded.channel = channel.id if channel else None
            uploaded.thread_ts, uploaded.initial_comment = thread_ts, args.get("initial_comment")
            uploaded.completed = True
        if channel is not None:  # sharing posts one message carrying the files
            channel.messages.append(
                Message(
                    ts=self.world.next_ts(),
                    user=ws.bot_user_id,
                    text=str(args.get("initial_comment") or ""),
                    thread_ts=thread_ts,
                    bot_id=ws.bot_id,
                    files=[u.id for u in uploads],
                )
            )
        return {"files": [{"id": u.id, "title": u.title, "name": u.filename} for u in uploads]}
