"""The HTTP face: /slack/events (commands, interactivity, events), OAuth, and the probes
(/healthz, /readyz) and metrics (/metrics) of `bot.wiring.health`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.core import Core
from bot.metrics import app_registry
from bot.wiring.app import BotApp
from bot.wiring.bolt_request import bolt_request as to_checked_bolt_request
from bot.wiring.bolt_request import parse_slack_body
from bot.wiring.health import DatabaseCollector, ReadinessCheck
from bot.wiring.observe import KIND_KEY, observed, payload_kind
from handlers.envelopes import Refusal, refusal_body

log = logging.getLogger(__name__)

# Slack never sends more than a few hundred kB; refuse anything far larger up front.
MAX_BODY_BYTES = 1024 * 1024
EVENTS_PATH = "/slack/events"


def _refused(request: web.Request, refusal: Refusal) -> web.Response:
    """A signed body the edge refused: counted as `malformed`, logged without its content."""
    log.warning("refused at the edge (%s): %s", refusal.status, refusal.reason)
    request[KIND_KEY] = "malformed"
    return web.json_response(refusal_body(refusal), status=refusal.status)


def create_web_app(
    bot_app: BotApp, core: Core, engine: Engine, *, serve_slack: bool = True
) -> web.Application:
    """The aiohttp application: probes and metrics always, Slack's routes unless in Socket Mode.

    Its start-up and clean-up also start and stop the bot's background work, so a test
    that runs this app in-process runs exactly what `journeybot run` runs.
    """
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    readiness = ReadinessCheck(engine)
    registry = app_registry(DatabaseCollector(engine, core.clock.now))

    async def background(_app: web.Application) -> AsyncIterator[None]:
        await bot_app.start_background()
        yield
        await bot_app.stop_background()

    web_app.cleanup_ctx.append(background)

    async def healthz(_request: web.Request) -> web.Response:
        # Liveness: the event loop answers. Nothing else, so a database outage restarts nothing.
        return web.json_response({"ok": True, "status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        ok, reason = await asyncio.to_thread(readiness.check)
        return web.json_response({"ok": ok, "status": reason}, status=200 if ok else 503)

    async def metrics(_request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get("/healthz", observed(healthz))
    web_app.router.add_get("/readyz", observed(readyz))
    web_app.router.add_get("/metrics", observed(metrics))
    if not serve_slack:
        return web_app
    bolt_app = bot_app.bolt

    secret = core.settings.slack_signing_secret
    assert secret is not None, "HTTP mode needs a signing secret"
    verifier = SignatureVerifier(secret.get_secret_value())
    edge = bot_app.edge

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        # Verify before parsing: a forged or malformed body must cost nothing and touch nothing.
        if not (
            timestamp.isdigit()
            and signature
            and verifier.is_valid(body=raw, timestamp=timestamp, signature=signature)
        ):
            log.info("refused unsigned or stale request from %s", request.remote)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            text = raw.decode("utf-8")
            body = parse_slack_body(text, request.content_type)
        except (ValueError, RecursionError) as error:
            # RecursionError: JSON nested thousands deep, in the body or in `payload=`.
            return _refused(request, Refusal(400, f"unparseable body: {type(error).__name__}"))
        refusal = edge.check(body)
        if refusal is None and isinstance(body, dict):  # the check refuses any non-object
            try:
                bolt_request = to_checked_bolt_request(request, text, body)
            except (AttributeError, TypeError, KeyError, IndexError) as error:
                # A backstop: a shape the edge's models let through but Bolt can't read.
                refusal = Refusal(400, f"unreadable for Bolt: {type(error).__name__}")
        if refusal is not None or not isinstance(body, dict):
            return _refused(request, refusal or Refusal(400, "not a JSON object"))
        # The metrics label comes from the body parsed once here.
        request[KIND_KEY] = payload_kind(body)
        bolt_response = await bolt_app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    web_app.router.add_post(EVENTS_PATH, observed(slack_events))

    oauth_flow = bolt_app.oauth_flow
    if oauth_flow is not None:

        async def install(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_installation(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        async def oauth_redirect(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_callback(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        web_app.router.add_get(oauth_flow.install_path, observed(install))
        web_app.router.add_get(oauth_flow.redirect_uri_path, observed(oauth_redirect))
    return web_app
