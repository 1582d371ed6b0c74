"""What gives each HTTP request an id and measures Slack's requests (a wrapper on each route).

Every request gets an id (the load balancer's `X-Request-Id` when it sends a sane one, else
a new one), bound for the logs of everything the request runs and echoed in the response.
Requests to Slack's paths are counted by kind and outcome, and their acknowledgement time
goes into the `journeybot_ack_seconds` histogram.

In Socket Mode no request crosses aiohttp: `MeasuredSocketModeHandler` gives each envelope
an id and measures it the same way, up to the acknowledgement sent back over the socket.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import (
    run_async_bolt_app,
    send_async_response,
)
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot import metrics
from bot.log_json import bind_request_id, new_request_id, reset_request_id
from handlers.envelopes import EnvelopeCheck

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_SANE_NAME = re.compile(r"[a-z0-9_.]{1,48}")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Where the Slack handler leaves the kind of a request it parsed (see `_kind`).
KIND_KEY = web.RequestKey("journeybot.slack_kind", str)

# Paths whose requests come from Slack (or a browser installing the app) and are measured.
SLACK_PATHS = {
    "/slack/events": None,  # kind read from the body
    "/slack/install": "oauth_install",
    "/slack/oauth_redirect": "oauth_redirect",
}


def request_kind(raw: bytes, content_type: str) -> str:
    """What a signed Slack request is: `command`, `event:<type>`, `block_actions`…

    Only called on requests whose signature held, so the names come from Slack; anything
    that doesn't look like one of its names is folded into `other` to keep labels bounded.
    """
    try:
        if content_type.startswith("application/json"):
            body = json.loads(raw)
            kind = str(body.get("type", ""))
            if kind == "event_callback":
                event_type = str((body.get("event") or {}).get("type", ""))
                return f"event:{event_type}" if _SANE_NAME.fullmatch(event_type) else "event:other"
            return kind if _SANE_NAME.fullmatch(kind) else "other"
        form = parse_qs(raw.decode("utf-8"))
        if "payload" in form:
            kind = str(json.loads(form["payload"][0]).get("type", ""))
            return kind if _SANE_NAME.fullmatch(kind) else "other"
        if "command" in form:
            return "command"
    except (ValueError, AttributeError, UnicodeDecodeError):
        return "malformed"
    return "other"


def observed(handler: Handler) -> Handler:
    """`handler` with a request id and, on Slack's paths, counted and timed.

    A wrapper on each route rather than an aiohttp middleware: a middleware also costs every
    request aiohttp's own wrapper that tracks the current app, on the hottest path.
    """

    async def observed_handler(request: web.Request) -> web.StreamResponse:
        return await observe_requests(request, handler)

    return observed_handler


async def observe_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = offered if _SANE_ID.fullmatch(offered) else new_request_id()
    token = bind_request_id(request_id)
    measured = request.path in SLACK_PATHS
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
    except web.HTTPException as error:
        status = error.status
        error.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        if measured:
            elapsed = time.perf_counter() - started
            kind = await _kind(request, status)
            _count(kind, status, elapsed)
            log.info("slack request %s answered %s in %.1f ms", kind, status, elapsed * 1000)
        reset_request_id(token)


# The labelled children of the two metrics, per (kind, status): `labels()` takes a lock and
# builds a key on each call, a measurable share of a `/journey help` answer. Kinds are
# bounded names and statuses a handful, so the cache stays small; it is capped anyway.
_CHILDREN: dict[tuple[str, int], tuple[Any, Any]] = {}
_MAX_CHILDREN = 512


def _count(kind: str, status: int, elapsed: float) -> None:
    children = _CHILDREN.get((kind, status))
    if children is None:
        children = (
            metrics.REQUESTS.labels(kind, metrics.outcome_of(status)),
            metrics.ACK_SECONDS.labels(kind),
        )
        if len(_CHILDREN) < _MAX_CHILDREN:
            _CHILDREN[(kind, status)] = children
    children[0].inc()
    children[1].observe(elapsed)


async def _kind(request: web.Request, status: int) -> str:
    fixed = SLACK_PATHS.get(request.path)
    if fixed is not None:
        return fixed
    parsed = request.get(KIND_KEY)
    if isinstance(parsed, str):
        return parsed  # the handler read it from the body Bolt parsed
    if status == 401:
        return "unverified"  # never label by what an unsigned body claims to be
    if request.method != "POST" or status == 413:
        return "other"
    try:
        raw = await request.read()  # cached by aiohttp: the handler read it already
    except web.HTTPException:
        return "other"
    return request_kind(raw, request.content_type)


def payload_kind(body: dict[str, object]) -> str:
    """`request_kind` for a body Bolt has already parsed (Socket Mode envelopes)."""
    if "command" in body and "type" not in body:
        return "command"
    kind = str(body.get("type", ""))
    if kind == "event_callback":
        event = body.get("event")
        event_type = str(event.get("type", "")) if isinstance(event, dict) else ""
        return f"event:{event_type}" if _SANE_NAME.fullmatch(event_type) else "event:other"
    return kind if _SANE_NAME.fullmatch(kind) else "other"


class MeasuredSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, counting and timing each envelope like an HTTP request.

    The time runs until the acknowledgement is sent back over the socket; each envelope
    gets a request id for the log lines of its listeners. Each payload goes through the
    edge's check first, as an HTTP body does. Only a 200 is acknowledged (Bolt's
    `send_async_response`): an event whose write timed out (503) stays unacknowledged and
    Slack delivers it again.
    """

    def __init__(self, app: AsyncApp, app_token: str, *, edge: EnvelopeCheck) -> None:
        super().__init__(app, app_token)
        self.edge = edge

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        started = time.perf_counter()
        token = bind_request_id(new_request_id())
        kind = payload_kind(req.payload or {})
        status = 500
        try:
            refusal = self.edge.check(req.payload)
            if refusal is not None:
                log.warning("envelope refused at the edge (%s): %s", refusal.status, refusal.reason)
                kind = "malformed"
                response = BoltResponse(status=refusal.status, body="")
            else:
                response = await run_async_bolt_app(self.app, req)
            status = response.status
            await send_async_response(client, req, response, time.time())
        finally:
            elapsed = time.perf_counter() - started
            _count(kind, status, elapsed)
            log.info("slack envelope %s answered %s in %.1f ms", kind, status, elapsed * 1000)
            reset_request_id(token)
