"""Build the Bolt app: clients pointed at SLACK_API_URL, stores, middleware, listeners."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.core import Core
from bot.ingest import GroupCommit
from bot.settings import Settings
from bot.wiring.oauth_store import DatabaseStateStore, EncryptedInstallationStore
from bot.wiring.relay import OutboxRelay
from bot.wiring.slack_client import (
    CountedConnectionErrorRetryHandler,
    CountedRateLimitErrorRetryHandler,
    HttpSessions,
    MeasuredAsyncWebClient,
)
from bot.wiring.token_rotation import REFRESH_MINUTES_BEFORE_EXPIRY, SerialTokenRotator
from handlers import register_all
from handlers.caller import ProvideCaller
from handlers.clients import ClientProvider
from handlers.envelopes import EnvelopeCheck
from handlers.feature import SlackFeature
from handlers.features import SLACK_FEATURES, feature_set
from handlers.forms import MetadataSeal
from handlers.locale import LocaleResolver
from handlers.scopes import BOT_SCOPES
from handlers.slack_services import SlackServices
from storage.crypto import TokenCipher

log = logging.getLogger(__name__)


class _DropClientTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself, then warns that our client
    (which carries that same token) wins; the warning is noise for us."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


BOLT_LOGGER = logging.getLogger("journeybot.bolt")
BOLT_LOGGER.addFilter(_DropClientTokenWarning())


def make_core(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: Clock | None = None,
    features: tuple[SlackFeature, ...] = SLACK_FEATURES,
) -> Core:
    """The core with every feature of this build."""
    return Core(
        settings=settings,
        session_factory=session_factory,
        features=feature_set(features),
        clock=clock or SystemClock(),
    )


def metadata_key(settings: Settings) -> bytes:
    """The key that seals modal metadata: derived from a secret the deployment already has.

    Without one (Socket Mode with no signing secret), a key made at start-up: forms opened
    before a restart then ask to be opened again, which is the safe failure.
    """
    for secret in (settings.slack_signing_secret, settings.slack_state_secret):
        if secret is not None:
            material = b"journeybot-modal-metadata:" + secret.get_secret_value().encode()
            return hashlib.sha256(material).digest()
    return secrets.token_bytes(32)


SLACK_API_TIMEOUT = 30.0


def make_async_client(
    core: Core, token: str | None = None, sessions: HttpSessions | None = None
) -> AsyncWebClient:
    """Every Web API client the bot makes: our base URL, and retries on 429 and lost connections.

    5xx are not retried: a chat.postMessage that failed with 500 may still have posted.
    Clients given the same `sessions` share its kept-alive connections.
    """
    return MeasuredAsyncWebClient(
        token=token,
        base_url=core.settings.slack_api_url,
        timeout=int(SLACK_API_TIMEOUT),
        sessions=sessions,
        retry_handlers=[
            CountedConnectionErrorRetryHandler(max_retry_count=1),
            CountedRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


@dataclass
class BotApp:
    bolt: AsyncApp
    services: SlackServices
    relay: OutboxRelay
    # Checks every parsed body before Bolt dispatches it (HTTP and Socket Mode alike).
    edge: EnvelopeCheck
    http: HttpSessions

    async def start_background(self) -> None:
        """Start what must run beside request handling (the outbox relay)."""
        self.relay.start()
        self.services.core.outbox_listeners.append(self.relay.wake)

    async def stop_background(self) -> None:
        await self.services.ingest.stop()
        if self.relay.wake in self.services.core.outbox_listeners:
            self.services.core.outbox_listeners.remove(self.relay.wake)
        await self.relay.stop()
        await self.http.close()


def create_bolt_app(
    core: Core,
    *,
    client: AsyncWebClient | None = None,
    features: tuple[SlackFeature, ...] = SLACK_FEATURES,
) -> BotApp:
    settings = core.settings
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    http = HttpSessions(SLACK_API_TIMEOUT)
    # In OAuth mode the client has no token: Bolt hands each request its workspace's own.
    client = client or make_async_client(core, None if settings.oauth else bot_token, http)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    options: dict[str, Any] = {
        "client": client,
        "logger": BOLT_LOGGER,
        "ignoring_self_events_enabled": True,
        # The HTTP edge (`bot.wiring.web`) checks the signature and timestamp of every request
        # before anything parses it, and Socket Mode has no signatures: Bolt checking the
        # same HMAC again would only cost the hottest path a second time.
        "request_verification_enabled": False,
        # Bolt answers events before listeners finish unless told otherwise; our event
        # listeners store first (fast) so that a 200 always means "kept".
        "process_before_response": True,
    }
    if secret is not None:
        options["signing_secret"] = secret
    elif settings.socket_mode:
        # Socket Mode has no signatures to check; Bolt still wants a non-empty value.
        options["signing_secret"] = "socket-mode-unused"  # pragma: allowlist secret
    rotator: SerialTokenRotator | None = None
    if settings.oauth:
        assert settings.slack_client_id
        assert settings.slack_client_secret
        assert settings.token_encryption_key is not None
        assert settings.slack_state_secret is not None
        cipher = TokenCipher(settings.token_encryption_key.get_secret_value())
        installation_store = EncryptedInstallationStore(core, cipher, settings.slack_client_id)
        client_secret = settings.slack_client_secret.get_secret_value()
        # Slack's token rotation, for installs that have it on: Bolt's authorize refreshes a
        # token near expiry before the request's work, with our one-at-a-time rotator.
        rotator = SerialTokenRotator(
            client_id=settings.slack_client_id, client_secret=client_secret, client=client
        )
        authorize = AsyncInstallationStoreAuthorize(
            logger=BOLT_LOGGER,
            installation_store=installation_store,
            client_id=settings.slack_client_id,
            client_secret=client_secret,
            token_rotation_expiration_minutes=REFRESH_MINUTES_BEFORE_EXPIRY,
            client=client,
        )
        authorize.token_rotator = rotator
        options["authorize"] = authorize
        options["installation_store"] = installation_store
        options["oauth_settings"] = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=client_secret,
            token_rotation_expiration_minutes=REFRESH_MINUTES_BEFORE_EXPIRY,
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=installation_store,
            state_store=DatabaseStateStore(core, settings.slack_state_secret.get_secret_value()),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
    elif client.token is None:
        options["token"] = bot_token
    app = AsyncApp(**options)
    store = options.get("installation_store")
    services = SlackServices(
        core=core,
        locales=LocaleResolver(settings.default_locale),
        clients=ClientProvider(
            client,
            lambda token: make_async_client(core, token, http),
            store,
            rotator,
            REFRESH_MINUTES_BEFORE_EXPIRY,
        ),
        seal=MetadataSeal(metadata_key(settings)),
        ingest=GroupCommit(core, timeout=settings.event_write_timeout),
    )
    relay = OutboxRelay(core, [sender for f in features for sender in f.senders(services)])
    services.wake_outbox = relay.wake

    app.use(ProvideCaller(services, {"installation_store": store}))
    register_all(app, features)
    edge = EnvelopeCheck(
        settings.slack_api_url,
        {action_id: check for f in features for action_id, check in f.action_values.items()},
    )
    return BotApp(app, services, relay, edge, http)
