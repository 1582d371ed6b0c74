"""`SlackStandIn`: a real HTTP and WebSocket server on loopback that answers like Slack.

It runs its own event loop in a daemon thread, so a test (or a bot under test, in-process or
as a subprocess) talks to it over real sockets exactly as it would talk to slack.com. World
building (`add_workspace`, `post_message`…) is inherited from `World`.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import json
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, WSMsgType, web

from tests.slack_standin.methods import AppConfig, Methods, granted_scopes
from tests.slack_standin.validation import SlackError, validate_message
from tests.slack_standin.world import APP_ID, World

# Args Slack takes as JSON strings in form bodies; recorded decoded so tests can assert on them.
JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files")
HOOK_ERRORS = ("no_service", "expired_url")  # a response_url's own failures: HTTP 404


@dataclass
class Call:
    """One request the stand-in received (injected failures included)."""

    method: str  # "chat.postMessage"…, "response_url", or "upload" (the file bytes)
    team_id: str | None
    token: str | None
    args: dict[str, Any]
    http_status: int
    response: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    url: str | None = None  # for "response_url": which one was posted to

    @property
    def ok(self) -> bool:
        return self.http_status == 200 and bool(self.response.get("ok"))


@dataclass
class Fault:
    status: int
    retry_after: int
    error: str | None
    times: int
    extra: dict[str, Any]


def _decoded(args: dict[str, Any]) -> dict[str, Any]:
    recorded = dict(args)
    for name in JSON_ARGS:
        if isinstance(recorded.get(name), str):
            with contextlib.suppress(ValueError):  # kept as sent; the method says invalid_*
                recorded[name] = json.loads(recorded[name])
    return recorded


class SlackStandIn(World):
    """`with SlackStandIn() as slack:` then point the bot at `slack.api_url`."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        app_token: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(clock)
        config = AppConfig(client_id, client_secret, app_token)
        self.methods = Methods(self, lambda: self.base_url, config)
        self._calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._calls_lock = threading.RLock()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._sockets: list[web.WebSocketResponse] = []  # touched on the server loop only
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connections = 0  # ever opened: reconnections count too
        self._closing: asyncio.Future[None] | None = None  # keeps the delayed close alive
        # Slack allows about one chat.postMessage per second per channel and answers 429
        # beyond; off by default so tests that don't care about pace are unaffected.
        self.pace_posts = False
        self._last_post: dict[str, float] = {}
        # Per-method limits per workspace (calls per minute, a sliding window on `clock`), as
        # Slack's tiers: e.g. {"conversations.history": 50}. Empty: not simulated.
        self.method_limits: dict[str, int] = {}
        self._method_calls: dict[tuple[str, str], collections.deque[float]] = {}

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> SlackStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="slack-standin", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Slack stand-in did not start")

    async def _serve(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/respond/{id}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._thread is None:
            return

        async def shutdown() -> None:
            for socket in list(self._sockets):
                await socket.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What the bot gets as SLACK_API_URL / WebClient(base_url=…)."""
        return f"{self.base_url}/api/"

    @property
    def world(self) -> World:
        return self

    def new_response_url(self) -> str:
        """A response_url pointing back at the stand-in: 5 posts within 30 minutes."""
        return f"{self.base_url}/hooks/respond/{self.issue_response_url()}"

    # -- recording and faults -----------------------------------------------------------
    def calls(self, method: str | None = None, team_id: str | None = None) -> list[Call]:
        with self._calls_lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method)
                and (team_id is None or c.team_id == team_id)
            ]

    def clear_calls(self) -> None:
        with self._calls_lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until `count` matching calls arrived; return all the matching calls."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls(method) if predicate is None or predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                received = [
                    f"  {c.method} -> HTTP {c.http_status} {c.response.get('error') or 'ok'}"
                    for c in self.calls()
                ]
                raise AssertionError(
                    f"expected {count} {method} call(s)"
                    f"{' matching the predicate' if predicate else ''} within {timeout}s, "
                    f"got {len(matching)}; the stand-in received:\n"
                    + ("\n".join(received) or "  nothing at all")
                )
            time.sleep(0.005)

    def inject(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Fail the next `times` calls of `method` ("response_url" and "upload" too).

        `error="x"` answers HTTP 200 `{"ok": false, "error": "x", **extra}`; otherwise HTTP
        `status`: 429 carries `Retry-After` and error `ratelimited`, others `internal_error`.
        """
        with self._calls_lock:
            fault = Fault(status, retry_after, error, times, dict(extra or {}))
            self._faults.setdefault(method, []).append(fault)

    def _record(self, call: Call) -> Call:
        with self._calls_lock:
            self._calls.append(call)
        return call

    def _faulted(self, call: Call) -> web.Response | None:
        with self._calls_lock:
            faults = self._faults.get(call.method)
            if not faults:
                return None
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
        if fault.error:
            self._record(call).response = {"ok": False, "error": fault.error, **fault.extra}
            return web.json_response(call.response)
        error = "ratelimited" if fault.status == 429 else "internal_error"
        call.http_status, call.response = fault.status, {"ok": False, "error": error}
        self._record(call)
        headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
        return web.json_response(call.response, status=fault.status, headers=headers)

    def _over_pace(self, call: Call) -> web.Response | None:
        """A second post in one channel within a second: 429 with `Retry-After: 1`."""
        if not self.pace_posts or call.method != "chat.postMessage":
            return None
        channel = str(call.args.get("channel") or "")
        now = self.clock()
        with self._calls_lock:
            last = self._last_post.get(channel)
            if last is None or now - last >= 1.0:
                self._last_post[channel] = now
                return None
        call.http_status, call.response = 429, {"ok": False, "error": "ratelimited"}
        self._record(call)
        return web.json_response(call.response, status=429, headers={"Retry-After": "1"})

    def _over_limit(self, call: Call) -> web.Response | None:
        """Past `method_limits` for this workspace in the last minute: 429 with the seconds
        until the oldest call of the window leaves it, as `Retry-After`."""
        limit = self.method_limits.get(call.method)
        if not limit or call.team_id is None:
            return None
        now = self.clock()
        with self._calls_lock:
            window = self._method_calls.setdefault((call.team_id, call.method), collections.deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) < limit:
                window.append(now)
                return None
            retry_after = max(1, math.ceil(60.0 - (now - window[0])))
        call.http_status, call.response = 429, {"ok": False, "error": "ratelimited"}
        self._record(call)
        return web.json_response(
            call.response, status=429, headers={"Retry-After": str(retry_after)}
        )

    # -- HTTP ---------------------------------------------------------------------------
    @staticmethod
    async def _args(request: web.Request) -> dict[str, Any]:
        """Query string, then a JSON or form body: slack_sdk uses all three."""
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not an object")
            args.update(body)
        elif raw:
            args.update(parse_qsl(raw.decode(), keep_blank_values=True))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await self._args(request)
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"ok": False, "error": "invalid_json"})
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):  # oauth.v2.access sends client credentials this way
            client_id, _colon, secret = base64.b64decode(header[6:]).decode().partition(":")
            args.update(client_id=client_id, client_secret=secret)
        token = header[7:] if header.startswith("Bearer ") else args.get("token")
        args.pop("token", None)
        team_id = self.tokens.get(token or "")
        call = Call(method, team_id, token, _decoded(args), 200, {})
        faulted = self._faulted(call) or self._over_pace(call) or self._over_limit(call)
        if faulted is not None:
            return faulted
        try:
            call.response = {"ok": True, **self.methods.dispatch(method, token, args)}
        except SlackError as error:
            call.response = error.body()
        self._record(call)
        workspace = self.workspaces.get(team_id or "")
        headers = {}
        if workspace is not None:  # Slack tells every bot-token call what it was granted
            headers["x-oauth-scopes"] = ",".join(granted_scopes(workspace))
        return web.json_response(call.response, headers=headers)

    async def _respond(self, request: web.Request) -> web.Response:
        """A response_url: a JSON message; errors come back as text, like Slack's hooks."""
        url = f"{self.base_url}/hooks/respond/{request.match_info['id']}"
        raw = await request.read()
        try:
            args = json.loads(raw or b"{}")
        except ValueError:
            args = None
        # `_url` duplicates `Call.url` inside args: the scenario tests filter on it.
        recorded = {**args, "_url": url} if isinstance(args, dict) else {"_url": url}
        call = Call("response_url", None, None, recorded, 200, {"ok": True}, url=url)
        faulted = self._faulted(call)
        if faulted is not None:
            return faulted
        try:
            if not isinstance(args, dict):
                raise SlackError("invalid_payload")
            self.use_response_url(request.match_info["id"])
            validate_message(dict(args), require_content=not args.get("delete_original"))
        except SlackError as error:
            call.http_status = 404 if error.error in HOOK_ERRORS else 400
            call.response = error.body()
        self._record(call)
        if call.http_status != 200:
            return web.Response(status=call.http_status, text=str(call.response["error"]))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """files_upload_v2's second step: the raw bytes (or one multipart file) of a file id."""
        if request.content_type.startswith("multipart/"):
            part = await (await request.multipart()).next()
            content = await part.read() if isinstance(part, BodyPartReader) else b""
        else:
            content = await request.read()
        with self.lock:
            uploaded = self.files.get(request.match_info["file_id"])
        args = {"file_id": request.match_info["file_id"], "bytes": len(content)}
        team_id = uploaded.team_id if uploaded else None
        call = Call("upload", team_id, None, args, 200, {"ok": True})
        faulted = self._faulted(call)
        if faulted is not None:
            return faulted
        if uploaded is None or len(content) != uploaded.length:
            error = "file_not_found" if uploaded is None else "length_mismatch"
            call.http_status, call.response = 404 if uploaded is None else 400, {"error": error}
            self._record(call)
            return web.Response(status=call.http_status, text=error)
        with self.lock:
            uploaded.content = content
        self._record(call)
        return web.Response(text=f"OK - {len(content)}")

    # -- Socket Mode --------------------------------------------------------------------
    async def _link(self, request: web.Request) -> web.StreamResponse:
        """The WebSocket apps.connections.open points at; each ticket opens one connection."""
        with self.lock:
            ticket = request.query.get("ticket", "")
            valid = ticket in self.tickets
            self.tickets.discard(ticket)
        if not valid:
            return web.Response(status=401, text="invalid_ticket")
        socket = web.WebSocketResponse()  # autoping: answers the clients' pings with pongs
        await socket.prepare(request)
        self._sockets.append(socket)
        self._connections += 1
        hello = {
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {"host": "applink-standin", "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await socket.send_json(hello)
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                with contextlib.suppress(ValueError, AttributeError):
                    ack = json.loads(message.data)
                    future = self._acks.pop(str(ack.get("envelope_id")), None)
                    if future is not None and not future.done():
                        future.set_result(ack)
        self._sockets.remove(socket)
        return socket

    def socket_connected(self, timeout: float = 5.0, *, count: int = 1) -> None:
        """Wait until `count` Socket Mode connections were opened in all (each got hello)."""
        deadline = time.monotonic() + timeout
        while self._connections < count:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} Socket Mode connection(s) within {timeout}s, "
                    f"got {self._connections}"
                )
            time.sleep(0.01)

    def socket_count(self) -> int:
        """How many Socket Mode connections are open now."""
        return sum(1 for socket in list(self._sockets) if not socket.closed)

    def _on_loop(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

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
        """Deliver an envelope to the newest connection and return the app's ack.

        AssertionError if no ack with its envelope_id comes back within `timeout` (Slack's
        3-second deadline by default) or if no client is connected.
        """
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }

        async def deliver() -> dict[str, Any] | None:
            sockets = [s for s in self._sockets if not s.closed]
            if not sockets:
                return None
            future: asyncio.Future[dict[str, Any]] = self._loop.create_future()
            self._acks[envelope_id] = future
            await sockets[-1].send_json(envelope)
            try:
                return await asyncio.wait_for(future, timeout)
            finally:
                self._acks.pop(envelope_id, None)

        try:
            ack: dict[str, Any] | None = self._on_loop(deliver(), timeout + 5)
        except TimeoutError:
            raise AssertionError(f"no ack for the {type_} envelope within {timeout}s") from None
        if ack is None:
            raise AssertionError("no Socket Mode client is connected")
        return ack

    def disconnect_sockets(self, reason: str = "refresh_requested", *, grace: float = 0.5) -> int:
        """Send Slack's `disconnect` message to every open connection; close them `grace`
        seconds later, as Slack does, once the client had time to open a new one."""

        async def disconnect() -> int:
            sockets = [s for s in self._sockets if not s.closed]
            for socket in sockets:
                await socket.send_json({"type": "disconnect", "reason": reason})

            async def close_later() -> None:
                await asyncio.sleep(grace)
                for socket in sockets:
                    await socket.close()

            self._closing = asyncio.ensure_future(close_later())
            return len(sockets)

        closed: int = self._on_loop(disconnect(), 10)
        return closed
