"""Web API methods, answered the way Slack answers them (required args, membership, errors).

Rate limits are not simulated by themselves; tests inject 429s where they need them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from tests.slack_standin.validation import (
    SlackError,
    decode_json_arg,
    validate_message,
    validate_view,
)
from tests.slack_standin.world import (
    MAX_VIEW_STACK,
    Channel,
    Message,
    OpenView,
    UploadedFile,
    Workspace,
    World,
)

Handler = Callable[[Workspace | None, dict[str, Any]], dict[str, Any]]


def require(args: dict[str, Any], *names: str) -> None:
    for name in names:
        if args.get(name) in (None, ""):
            raise SlackError("missing_argument", arg=name)


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


class Methods:
    def __init__(self, world: World, base_url: Callable[[], str]) -> None:
        self.world = world
        self._base_url = base_url
        self.handlers: dict[str, Handler] = {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "users.info": self.users_info,
            "conversations.info": self.conversations_info,
            "conversations.members": self.conversations_members,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "conversations.join": self.conversations_join,
            "conversations.open": self.conversations_open,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "reactions.add": self.reactions_add,
            "reactions.remove": self.reactions_remove,
            "reactions.get": self.reactions_get,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.files_get_upload_url,
            "files.completeUploadExternal": self.files_complete_upload,
        }
        self.ephemeral: list[dict[str, Any]] = []
        self.home_views: dict[tuple[str, str], dict[str, Any]] = {}

    # -- helpers ------------------------------------------------------------------------
    def _channel(self, ws: Workspace, channel_id: Any, *, read: bool = False) -> Channel:
        channel = self.world.channel(str(channel_id))
        if channel is None or channel.team_id != ws.team_id:
            if str(channel_id).startswith(("U", "W")):
                return self.world.dm_channel(ws.team_id, str(channel_id))
            raise SlackError("channel_not_found")
        if (read or not channel.is_im) and ws.bot_user_id not in channel.members:
            raise SlackError("not_in_channel" if not channel.is_private else "channel_not_found")
        return channel

    def _user(self, ws: Workspace, user_id: Any) -> dict[str, Any]:
        user = self.world.users.get((ws.team_id, str(user_id)))
        if user is None:
            raise SlackError("user_not_found")
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.name.title(),
            "deleted": user.deleted,
            "is_bot": user.is_bot,
            "is_admin": user.is_admin,
            "is_owner": False,
            "tz": user.tz,
            "tz_label": user.tz,
            "tz_offset": 0,
        }

    @staticmethod
    def _message_json(message: Message) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
        if message.user:
            data["user"] = message.user
        if message.bot_id:
            data["bot_id"] = message.bot_id
        if message.thread_ts:
            data["thread_ts"] = message.thread_ts
        if message.blocks:
            data["blocks"] = message.blocks
        if message.reactions:
            data["reactions"] = [
                {"name": n, "users": u, "count": len(u)} for n, u in message.reactions.items()
            ]
        return data

    @staticmethod
    def _page(
        items: list[Any], args: dict[str, Any], default_limit: int = 100
    ) -> tuple[list[Any], str]:
        try:
            start = int(args.get("cursor") or 0)
        except ValueError:
            raise SlackError("invalid_cursor") from None
        limit = int(args.get("limit") or default_limit)
        page = items[start : start + limit]
        return page, str(start + limit) if start + limit < len(items) else ""

    def _ws(self, ws: Workspace | None) -> Workspace:
        if ws is None:
            raise SlackError("not_authed")
        return ws

    # -- identity -----------------------------------------------------------------------
    def auth_test(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        return {
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.name,
            "user": "journeybot",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "enterprise_id": ws.enterprise_id,
            "is_enterprise_install": False,
        }

    def team_info(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        return {"team": {"id": ws.team_id, "name": ws.name, "domain": ws.domain}}

    def users_info(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "user")
        user = self._user(ws, args["user"])
        if _truthy(args.get("include_locale")):
            user["locale"] = self.world.users[(ws.team_id, str(args["user"]))].locale
        return {"user": user}

    # -- conversations ------------------------------------------------------------------
    def conversations_info(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel")
        channel = self.world.channel(str(args["channel"]))
        if channel is None or channel.team_id != ws.team_id:
            raise SlackError("channel_not_found")
        if channel.is_private and ws.bot_user_id not in channel.members:
            raise SlackError("channel_not_found")
        return {
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_private": channel.is_private,
                "is_archived": channel.is_archived,
                "is_im": channel.is_im,
                "is_member": ws.bot_user_id in channel.members,
                "num_members": len(channel.members),
            }
        }

    def conversations_members(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel")
        channel = self._channel(ws, args["channel"], read=True)
        members, cursor = self._page(channel.members, args)
        return {"members": members, "response_metadata": {"next_cursor": cursor}}

    def _history(self, messages: list[Message], args: dict[str, Any]) -> dict[str, Any]:
        inclusive = _truthy(args.get("inclusive"))
        latest, oldest = args.get("latest"), args.get("oldest")

        def keep(message: Message) -> bool:
            value = float(message.ts)
            if latest is not None and (
                value > float(latest) or (value == float(latest) and not inclusive)
            ):
                return False
            return not (
                oldest is not None
                and (value < float(oldest) or (value == float(oldest) and not inclusive))
            )

        chosen = [m for m in messages if keep(m)]
        page, cursor = self._page(chosen, args)
        return {
            "messages": [self._message_json(m) for m in page],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def conversations_history(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel")
        channel = self._channel(ws, args["channel"], read=True)
        top_level = [m for m in channel.messages if m.thread_ts in (None, m.ts)]
        return self._history(list(reversed(top_level)), args)  # newest first, like Slack

    def conversations_replies(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel", "ts")
        channel = self._channel(ws, args["channel"], read=True)
        parent = self.world.find_message(channel.id, str(args["ts"]))
        if parent is None:
            raise SlackError("thread_not_found")
        root = parent.thread_ts or parent.ts
        thread = [m for m in channel.messages if m.ts == root or m.thread_ts == root]
        if parent.thread_ts and parent.thread_ts != parent.ts:
            thread = [parent]  # a reply's ts gives just that reply, as Slack does
        return self._history(thread, args)

    def conversations_join(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel")
        channel = self.world.channel(str(args["channel"]))
        if channel is None or channel.team_id != ws.team_id:
            raise SlackError("channel_not_found")
        if channel.is_private or channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if ws.bot_user_id not in channel.members:
            channel.members.append(ws.bot_user_id)
        return {"channel": {"id": channel.id, "name": channel.name}}

    def conversations_open(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "users")
        user_id = str(args["users"]).split(",")[0]
        self._user(ws, user_id)
        return {"channel": {"id": self.world.dm_channel(ws.team_id, user_id).id}}

    # -- chat ---------------------------------------------------------------------------
    def chat_post_message(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel")
        channel = self._channel(ws, args["channel"])
        if channel.is_archived:
            raise SlackError("is_archived")
        validate_message(args)
        metadata = decode_json_arg(args.get("metadata"), "invalid_metadata_format")
        message = Message(
            ts=self.world.next_ts(),
            user=ws.bot_user_id,
            text=str(args.get("text") or ""),
            thread_ts=args.get("thread_ts"),
            bot_id=ws.bot_id,
            blocks=args.get("blocks"),
            metadata=metadata,
        )
        channel.messages.append(message)
        return {"channel": channel.id, "ts": message.ts, "message": self._message_json(message)}

    def chat_post_ephemeral(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel", "user")
        channel = self._channel(ws, args["channel"])
        if str(args["user"]) not in channel.members:
            raise SlackError("user_not_in_channel")
        validate_message(args)
        self.ephemeral.append(dict(args))
        return {"message_ts": self.world.next_ts()}

    def chat_update(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel", "ts")
        channel = self._channel(ws, args["channel"])
        message = self.world.find_message(channel.id, str(args["ts"]))
        if message is None:
            raise SlackError("message_not_found")
        if message.user != ws.bot_user_id:
            raise SlackError("cant_update_message")
        validate_message(args)
        message.text = str(args.get("text") or message.text)
        message.blocks = args.get("blocks", message.blocks)
        return {"channel": channel.id, "ts": message.ts, "text": message.text}

    def chat_delete(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel", "ts")
        channel = self._channel(ws, args["channel"])
        message = self.world.find_message(channel.id, str(args["ts"]))
        if message is None:
            raise SlackError("message_not_found")
        if message.user != ws.bot_user_id:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        return {"channel": channel.id, "ts": message.ts}

    def chat_get_permalink(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "channel", "message_ts")
        channel = self.world.channel(str(args["channel"]))
        if channel is None or channel.team_id != ws.team_id:
            raise SlackError("channel_not_found")
        ts = str(args["message_ts"])
        if self.world.find_message(channel.id, ts) is None:
            raise SlackError("message_not_found")
        return {
            "channel": channel.id,
            "permalink": (
                f"https://{ws.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
            ),
        }

    # -- reactions ----------------------------------------------------------------------
    def _reaction_target(self, ws: Workspace, args: dict[str, Any]) -> Message:
        require(args, "channel", "timestamp")
        channel = self._channel(ws, args["channel"], read=True)
        message = self.world.find_message(channel.id, str(args["timestamp"]))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def reactions_add(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "name")
        message = self._reaction_target(ws, args)
        users = message.reactions.setdefault(str(args["name"]), [])
        if ws.bot_user_id in users:
            raise SlackError("already_reacted")
        users.append(ws.bot_user_id)
        return {}

    def reactions_remove(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "name")
        message = self._reaction_target(ws, args)
        users = message.reactions.get(str(args["name"]), [])
        if ws.bot_user_id not in users:
            raise SlackError("no_reaction")
        users.remove(ws.bot_user_id)
        return {}

    def reactions_get(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        message = self._reaction_target(ws, args)
        return {
            "type": "message",
            "channel": args["channel"],
            "message": self._message_json(message),
        }

    # -- views --------------------------------------------------------------------------
    def _store_view(
        self, ws: Workspace, view: dict[str, Any], root_id: str | None
    ) -> dict[str, Any]:
        view_id = self.world.next_id("V")
        opened = OpenView(
            view_id,
            ws.team_id,
            root_id or view_id,
            view,
            uuid.uuid4().hex[:12],
            view.get("external_id"),
        )
        self.world.views[view_id] = opened
        return self._view_json(opened)

    @staticmethod
    def _view_json(opened: OpenView) -> dict[str, Any]:
        return {
            **opened.view,
            "id": opened.id,
            "team_id": opened.team_id,
            "hash": opened.hash,
            "root_view_id": opened.root_id,
            "state": {"values": {}},
        }

    def _trigger(self, ws: Workspace, args: dict[str, Any]) -> None:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise SlackError("missing_argument", arg="trigger_id")
        try:
            team_id = self.world.use_trigger(str(trigger_id))
        except LookupError as error:
            raise SlackError(str(error.args[0])) from None
        if team_id != ws.team_id:
            raise SlackError("invalid_trigger_id")

    def views_open(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "view")
        view = validate_view(args["view"])
        self._trigger(ws, args)
        external_id = view.get("external_id")
        if external_id and any(v.external_id == external_id for v in self.world.views.values()):
            raise SlackError("duplicate_external_id")
        return {"view": self._store_view(ws, view, None)}

    def views_push(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "view")
        view = validate_view(args["view"])
        self._trigger(ws, args)
        root = args.get("root_view_id")
        stack = [v for v in self.world.views.values() if root and v.root_id == root]
        if root is None:
            # The stand-in can't know which modal a trigger came from; tests pass root_view_id.
            stack = []
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        return {"view": self._store_view(ws, view, root)}

    def views_update(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "view")
        if bool(args.get("view_id")) == bool(args.get("external_id")):
            raise SlackError("invalid_arguments")
        view = validate_view(args["view"])
        opened = next(
            (
                v
                for v in self.world.views.values()
                if v.team_id == ws.team_id
                and (
                    v.id == args.get("view_id")
                    or (v.external_id and v.external_id == args.get("external_id"))
                )
            ),
            None,
        )
        if opened is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != opened.hash:
            raise SlackError("hash_conflict")
        opened.view, opened.hash = view, uuid.uuid4().hex[:12]
        return {"view": self._view_json(opened)}

    def views_publish(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "user_id", "view")
        view = validate_view(args["view"])
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        self._user(ws, args["user_id"])
        self.home_views[(ws.team_id, str(args["user_id"]))] = view
        return {"view": {**view, "id": self.world.next_id("V"), "team_id": ws.team_id}}

    # -- files (upload v2) --------------------------------------------------------------
    def files_get_upload_url(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "filename", "length")
        file_id = self.world.next_id("F")
        self.world.files[file_id] = UploadedFile(
            file_id, ws.team_id, str(args["filename"]), int(args["length"])
        )
        return {"upload_url": f"{self._base_url()}/upload/{file_id}", "file_id": file_id}

    def files_complete_upload(self, ws: Workspace | None, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws(ws)
        require(args, "files")
        entries = decode_json_arg(args["files"], "invalid_arguments")
        channel_id = args.get("channel_id") or args.get("channels")
        channel = self._channel(ws, channel_id) if channel_id else None
        completed = []
        for entry in entries:
            uploaded = self.world.files.get(str(entry.get("id")))
            if (
                uploaded is None
                or uploaded.team_id != ws.team_id
                or len(uploaded.content) != uploaded.length
            ):
                raise SlackError("file_not_found")
            uploaded.title = entry.get("title") or uploaded.filename
            uploaded.channel = channel.id if channel else None
            uploaded.initial_comment = args.get("initial_comment")
            uploaded.completed = True
            completed.append(
                {"id": uploaded.id, "title": uploaded.title, "name": uploaded.filename}
            )
        return {"files": completed}


def json_arg(value: Any) -> Any:
    """JSON strings in form bodies become objects for assertions."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
