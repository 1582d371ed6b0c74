"""Build the Bolt app: clients pointed at SLACK_API_URL, stores, middleware, listeners."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.wiring.slack_client import (
    CountedConnectionErrorRetryHandler,
    CountedRateLimitErrorRetryHandler,
    MeasuredAsyncWebClient,
)
from handlers import register_all
from handlers.gateway import ClientProvider
from handlers.locale import LocaleResolver
from handlers.oauth_store import DatabaseStateStore, EncryptedInstallationStore
from handlers.outbox.dispatcher import OutboxDispatcher
from handlers.outbox.senders import build_senders
from handlers.scopes import BOT_SCOPES
from handlers.services import Services
from storage.crypto import TokenCipher

log = logging.getLogger(__name__)


class _DropClientTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself, then warns that our client
    (which carries that same token) wins; the warning is noise for us."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


BOLT_LOGGER = logging.getLogger("journeybot.bolt")
BOLT_LOGGER.addFilter(_DropClientTokenWarning())


def make_async_client(runtime: Runtime, token: str | None = None) -> AsyncWebClient:
    """Every Web API client the bot makes: our base URL, and retries on 429 and lost connections.

    5xx are not retried: a chat.postMessage that failed with 500 may still have posted.
    """
    return MeasuredAsyncWebClient(
        token=token,
        base_url=runtime.settings.slack_api_url,
        retry_handlers=[
            CountedConnectionErrorRetryHandler(max_retry_count=1),
            CountedRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


class InjectServices(AsyncMiddleware):
    """Puts our services in every request's context (listeners take them by name).

    A middleware class, not a function: Bolt calls it directly instead of inspecting
    its signature on each request.
    """

    def __init__(self, services: Services, store: AsyncInstallationStore | None) -> None:
        self._services = services
        self._store = store

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        req.context["services"] = self._services
        req.context["installation_store"] = self._store
        return await next()


@dataclass
class BotApp:
    bolt: AsyncApp
    services: Services

    async def start_background(self) -> None:
        """Start what must run beside request handling (the outbox relay)."""
        assert self.services.dispatcher is not None
        self.services.dispatcher.start()

    async def stop_background(self) -> None:
        assert self.services.dispatcher is not None
        await self.services.dispatcher.stop()


def create_bolt_app(runtime: Runtime, *, client: AsyncWebClient | None = None) -> BotApp:
    settings = runtime.settings
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    # In OAuth mode the client has no token: Bolt hands each request its workspace's own.
    client = client or make_async_client(runtime, None if settings.oauth else bot_token)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    options: dict[str, Any] = {
        "client": client,
        "logger": BOLT_LOGGER,
        "ignoring_self_events_enabled": True,
        "request_verification_enabled": not settings.socket_mode,
        # Bolt answers events before listeners finish unless told otherwise; our event
        # listeners store first (fast) so that a 200 always means "kept".
        "process_before_response": True,
    }
    if secret is not None:
        options["signing_secret"] = secret
    elif settings.socket_mode:
        # Socket Mode has no signatures to check; Bolt still wants a non-empty value.
        options["signing_secret"] = "socket-mode-unused"
    if settings.oauth:
        assert settings.slack_client_id
        assert settings.slack_client_secret
        assert settings.token_encryption_key is not None
        assert settings.slack_state_secret is not None
        cipher = TokenCipher(settings.token_encryption_key.get_secret_value())
        installation_store = EncryptedInstallationStore(runtime, cipher, settings.slack_client_id)
        options["installation_store"] = installation_store
        options["oauth_settings"] = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=installation_store,
            state_store=DatabaseStateStore(runtime, settings.slack_state_secret.get_secret_value()),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
    elif client.token is None:
        options["token"] = bot_token
    app = AsyncApp(**options)
    store = options.get("installation_store")
    services = Services(
        runtime=runtime,
        locales=LocaleResolver(settings.default_locale),
        clients=ClientProvider(client, lambda token: make_async_client(runtime, token), store),
    )
    services.dispatcher = OutboxDispatcher(runtime, build_senders(services))

    app.use(InjectServices(services, store))
    register_all(app)
    return BotApp(app, services)
