"""`SlackStandIn`: a real HTTP (and WebSocket) server on loopback that answers like Slack."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.slack_standin.methods import Methods, json_arg
from tests.slack_standin.validation import SlackError, validate_message
from tests.slack_standin.world import (
    Channel,
    Message,
    OAuthCode,
    UploadedFile,
    User,
    Workspace,
    World,
)

MAX_RESPONSE_URL_USES = 5


@dataclass
class Call:
    method: str
    team_id: str | None
    token: str | None
    args: dict[str, Any]
    http_status: int
    response: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    status: int = 429
    retry_after: int = 1
    error: str | None = None
    times: int = 1


class SlackStandIn:
    """Start with `with SlackStandIn() as slack:`; point the bot at `slack.api_url`."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        app_token: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.world = World(clock)
        self.methods = Methods(self.world, lambda: self.base_url)
        self.client_id, self.client_secret, self.app_token = client_id, client_secret, app_token
        self._calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._response_urls: dict[str, int] = {}
        self._lock = threading.RLock()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connected = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> SlackStandIn:
        self.start()
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.stop()

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="slack-standin", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Slack stand-in did not start")

    async def _start(self) -> None:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/respond/{id}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    def stop(self) -> None:
        async def shutdown() -> None:
            for socket in list(self._sockets):
                await socket.close()
            if self._runner is not None:
                await self._runner.cleanup()

        if self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- world building (delegates) -----------------------------------------------------
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
    ) -> None:
        self.world.add_workspace(
            Workspace(
                team_id,
                name,
                domain or team_id.lower(),
                bot_token,
                bot_user_id,
                bot_id,
                enterprise_id,
            )
        )
        self.add_user(team_id, bot_user_id, name="journeybot", is_bot=True)

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
        with self.world.lock:
            self.world.users[(team_id, user_id)] = User(
                team_id, user_id, name, tz, locale, is_bot, is_admin, deleted
            )

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str,
        members: list[str],
        is_private: bool = False,
        is_archived: bool = False,
    ) -> None:
        with self.world.lock:
            self.world.channels[channel_id] = Channel(
                team_id, channel_id, name, list(members), is_private, is_archived
            )

    def post_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        bot_id: str | None = None,
    ) -> str:
        """A message written by someone (not the bot under test); returns its ts."""
        with self.world.lock:
            ts = self.world.next_ts()
            self.world.channels[channel_id].messages.append(
                Message(ts, user, text, thread_ts, bot_id)
            )
            return ts

    def delete_message(self, channel_id: str, ts: str) -> None:
        with self.world.lock:
            channel = self.world.channels[channel_id]
            channel.messages = [m for m in channel.messages if m.ts != ts]

    def messages(self, channel_id: str) -> list[Message]:
        return list(self.world.channels[channel_id].messages)

    def new_trigger_id(self, team_id: str) -> str:
        return self.world.new_trigger(team_id)

    def expire_trigger(self, trigger_id: str) -> None:
        self.world.expire_trigger(trigger_id)

    def new_response_url(self) -> str:
        response_id = uuid.uuid4().hex
        with self._lock:
            self._response_urls[response_id] = 0
        return f"{self.base_url}/hooks/respond/{response_id}"

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
    ) -> None:
        self.world.oauth_codes[code] = OAuthCode(
            team_id,
            team_name,
            bot_token,
            bot_user_id,
            bot_id,
            scopes,
            authed_user_id,
            enterprise_id,
        )

    def revoke_token(self, token: str) -> None:
        self.world.revoked.add(token)

    def uploaded_files(self) -> list[UploadedFile]:
        return [f for f in self.world.files.values() if f.completed]

    def home_view(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        return self.methods.home_views.get((team_id, user_id))

    # -- recording and faults -----------------------------------------------------------
    def calls(self, method: str | None = None, team_id: str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method)
                and (team_id is None or c.team_id == team_id)
            ]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls(method) if predicate is None or predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() > deadline:
                seen = (
                    ", ".join(f"{c.method}({c.response.get('error', 'ok')})" for c in self.calls())
                    or "nothing"
                )
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, "
                    f"got {len(matching)}; received: {seen}"
                )
            time.sleep(0.01)

    def inject(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(status, retry_after, error, times))

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            faults = self._faults.get(method) or []
            if not faults:
                return None
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            return fault

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    # -- HTTP handlers ------------------------------------------------------------------
    @staticmethod
    async def _args(request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode(), keep_blank_values=True))
        return args

    def _workspace(self, token: str | None) -> Workspace:
        if not token or token in self.world.revoked:
            raise SlackError("token_revoked" if token in self.world.revoked else "not_authed")
        team_id = self.world.tokens.get(token)
        if team_id is None:
            raise SlackError("invalid_auth")
        return self.world.workspaces[team_id]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await self._args(request)
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"})
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):  # oauth.v2.access sends the client credentials so
            client_id, _colon, client_secret = base64.b64decode(header[6:]).decode().partition(":")
            args.update(client_id=client_id, client_secret=client_secret)
        token = header[7:] if header.startswith("Bearer ") else args.pop("token", None)
        args.pop("token", None)
        team_id = self.world.tokens.get(token or "")
        recorded = {key: json_arg(value) for key, value in args.items()}
        fault = self._take_fault(method)
        if fault is not None:
            if fault.error:
                body: dict[str, Any] = {"ok": False, "error": fault.error}
                self._record(Call(method, team_id, token, recorded, 200, body))
                return web.json_response(body)
            body = {
                "ok": False,
                "error": "ratelimited" if fault.status == 429 else "internal_error",
            }
            self._record(Call(method, team_id, token, recorded, fault.status, body))
            headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            return web.json_response(body, status=fault.status, headers=headers)
        try:
            with self.world.lock:
                body = {"ok": True, **self._dispatch(method, token, args)}
        except SlackError as error:
            body = {"ok": False, "error": error.error, **error.extra}
        self._record(Call(method, team_id, token, recorded, 200, body))
        headers = (
            {"x-oauth-scopes": ",".join(self._scopes(team_id))} if method == "auth.test" else {}
        )
        return web.json_response(body, headers=headers)

    def _scopes(self, team_id: str | None) -> list[str]:
        workspace = self.world.workspaces.get(team_id or "")
        return list(workspace.scopes) if workspace else []

    def _dispatch(self, method: str, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_access(args)
        if method == "apps.connections.open":
            if not token or token != self.app_token:
                raise SlackError("invalid_auth")
            return {"url": f"ws://127.0.0.1:{self._port}/link?ticket={uuid.uuid4().hex}"}
        handler = self.methods.handlers.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        return handler(self._workspace(token), args)

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if (
            args.get("client_id") != self.client_id
            or args.get("client_secret") != self.client_secret
        ):
            raise SlackError("invalid_client_id")
        code = self.world.oauth_codes.get(str(args.get("code", "")))
        if code is None or code.used:
            raise SlackError("invalid_code")
        code.used = True
        self.world.add_workspace(
            Workspace(
                code.team_id,
                code.team_name,
                code.team_name,
                code.bot_token,
                code.bot_user_id,
                code.bot_id,
                code.enterprise_id,
                tuple(code.scopes),
            )
        )
        self.world.users.setdefault(
            (code.team_id, code.bot_user_id),
            User(code.team_id, code.bot_user_id, "journeybot", "UTC", "en-US", True),
        )
        return {
            "access_token": code.bot_token,
            "token_type": "bot",
            "scope": ",".join(code.scopes),
            "bot_user_id": code.bot_user_id,
            "app_id": "A0JOURNEY",
            "team": {"id": code.team_id, "name": code.team_name},
            "enterprise": {"id": code.enterprise_id, "name": code.enterprise_id}
            if code.enterprise_id
            else None,
            "is_enterprise_install": False,
            "authed_user": {"id": code.authed_user_id},
        }

    async def _respond(self, request: web.Request) -> web.Response:
        response_id = request.match_info["id"]
        try:
            args = json.loads(await request.read() or b"{}")
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        url = f"{self.base_url}/hooks/respond/{response_id}"
        with self._lock:
            uses = self._response_urls.get(response_id)
            if uses is None or uses >= MAX_RESPONSE_URL_USES:
                self._record(
                    Call(
                        "response_url",
                        None,
                        None,
                        {**args, "_url": url},
                        404,
                        {"error": "expired_url"},
                    )
                )
                return web.Response(status=404, text="expired_url")
            self._response_urls[response_id] = uses + 1
        try:
            validate_message(args, require_content=not args.get("delete_original"))
        except SlackError as error:
            self._record(
                Call(
                    "response_url",
                    None,
                    None,
                    {**args, "_url": url},
                    400,
                    {"error": error.error, **error.extra},
                )
            )
            return web.Response(status=400, text=error.error)
        self._record(Call("response_url", None, None, {**args, "_url": url}, 200, {"ok": True}))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        uploaded = self.world.files.get(request.match_info["file_id"])
        if uploaded is None:
            return web.Response(status=404, text="file_not_found")
        content = await request.read()  # slack_sdk posts the raw bytes
        if len(content) != uploaded.length:
            return web.Response(status=400, text="length_mismatch")
        uploaded.content = content
        self._record(
            Call(
                "upload",
                uploaded.team_id,
                None,
                {"file_id": uploaded.id, "bytes": len(content)},
                200,
                {"ok": True},
            )
        )
        return web.Response(text=f"OK - {len(content)}")

    # -- Socket Mode ---------------------------------------------------------------------
    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "connection_info": {"app_id": "A0JOURNEY"},
                "debug_info": {"host": "standin"},
            }
        )
        self._connected.set()
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._acks.pop(str(data.get("envelope_id")), None)
            if future is not None and not future.done():
                future.set_result(data)
        self._sockets.remove(socket)
        return socket

    def socket_connected(self, timeout: float = 10.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("no Socket Mode client connected")

    def send_envelope(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 3.0,
    ) -> dict[str, Any]:
        """Deliver an envelope and wait for its ack (Slack's 3-second deadline by default)."""
        envelope_id = str(uuid.uuid4())

        async def deliver() -> dict[str, Any]:
            future: asyncio.Future[dict[str, Any]] = self._loop.create_future()
            self._acks[envelope_id] = future
            await self._sockets[-1].send_json(
                {
                    "envelope_id": envelope_id,
                    "type": type_,
                    "payload": payload,
                    "accepts_response_payload": accepts_response_payload,
                    "retry_attempt": retry_attempt,
                    "retry_reason": retry_reason,
                }
            )
            return await asyncio.wait_for(future, timeout)

        try:
            return asyncio.run_coroutine_threadsafe(deliver(), self._loop).result(timeout + 1)
        except TimeoutError:
            raise AssertionError(f"no ack for {type_} envelope within {timeout}s") from None
