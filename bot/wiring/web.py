"""The HTTP face: /slack/events (commands, interactivity, events), OAuth, /healthz."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot.core import Core
from bot.wiring.app import BotApp
from storage.migrate import is_up_to_date

log = logging.getLogger(__name__)

# Slack never sends more than a few hundred kB; refuse anything far larger up front.
MAX_BODY_BYTES = 1024 * 1024
EVENTS_PATH = "/slack/events"
HEALTH_CACHE_SECONDS = 2.0


class HealthCheck:
    """200 once the database answers and carries the newest migration."""

    def __init__(self, core: Core, engine: Engine) -> None:
        self._core = core
        self._engine = engine
        self._migrated = False
        self._last_ok = 0.0

    def check(self) -> tuple[bool, str]:
        if time.monotonic() - self._last_ok < HEALTH_CACHE_SECONDS:
            return True, "ok"
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if not self._migrated:
                self._migrated = is_up_to_date(self._engine)
        except Exception as error:  # any driver error means "not healthy", never a 500
            log.warning("health check: database unreachable: %s", type(error).__name__)
            return False, "database unreachable"
        if not self._migrated:
            return False, "database not migrated"
        self._last_ok = time.monotonic()
        return True, "ok"


def create_web_app(
    bot_app: BotApp, core: Core, engine: Engine, *, serve_slack: bool = True
) -> web.Application:
    """The aiohttp application: /healthz always, Slack's routes unless in Socket Mode.

    Its start-up and clean-up also start and stop the bot's background work, so a test
    that runs this app in-process runs exactly what `journeybot run` runs.
    """
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    health = HealthCheck(core, engine)

    async def background(_app: web.Application) -> AsyncIterator[None]:
        await bot_app.start_background()
        yield
        await bot_app.stop_background()

    web_app.cleanup_ctx.append(background)

    async def healthz(_request: web.Request) -> web.Response:
        ok, reason = await asyncio.to_thread(health.check)
        return web.json_response({"ok": ok, "status": reason}, status=200 if ok else 503)

    web_app.router.add_get("/healthz", healthz)
    if not serve_slack:
        return web_app
    bolt_app = bot_app.bolt

    secret = core.settings.slack_signing_secret
    assert secret is not None, "HTTP mode needs a signing secret"
    verifier = SignatureVerifier(secret.get_secret_value())

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
            bolt_request = await to_bolt_request(request)
        except (ValueError, UnicodeDecodeError) as error:
            log.warning("malformed Slack request body: %s", type(error).__name__)
            return web.json_response({"error": "malformed body"}, status=400)
        bolt_response = await bolt_app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    web_app.router.add_post(EVENTS_PATH, slack_events)

    oauth_flow = bolt_app.oauth_flow
    if oauth_flow is not None:

        async def install(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_installation(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        async def oauth_redirect(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_callback(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        web_app.router.add_get(oauth_flow.install_path, install)
        web_app.router.add_get(oauth_flow.redirect_uri_path, oauth_redirect)
    return web_app
