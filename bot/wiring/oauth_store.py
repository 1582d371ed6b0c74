"""Bolt's installation and OAuth-state stores, on our tables, with tokens encrypted at rest."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import UTC, datetime, timedelta
from logging import Logger

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.core import Core
from storage.crypto import TokenCipher
from storage.models import Installation as InstallationRow
from storage.repositories import installations as repo
from storage.repositories.installations import WorkspaceKey

log = logging.getLogger(__name__)


def _seconds_to_datetime(value: int | float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def _datetime_to_seconds(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


class EncryptedInstallationStore(AsyncInstallationStore):
    def __init__(self, core: Core, cipher: TokenCipher, client_id: str) -> None:
        self._core = core
        self._cipher = cipher
        self._client_id = client_id

    @property
    def logger(self) -> Logger:
        return log

    def _seal(self, value: str | None) -> str | None:
        return None if value is None else self._cipher.encrypt(value)

    def _open(self, value: str | None) -> str | None:
        return None if value is None else self._cipher.decrypt(value)

    def _to_row(self, installation: Installation) -> InstallationRow:
        return InstallationRow(
            client_id=self._client_id,
            app_id=installation.app_id,
            enterprise_id=installation.enterprise_id,
            enterprise_name=installation.enterprise_name,
            enterprise_url=installation.enterprise_url,
            team_id=installation.team_id or "",
            team_name=installation.team_name,
            is_enterprise_install=bool(installation.is_enterprise_install),
            bot_token_encrypted=self._seal(installation.bot_token),
            bot_refresh_token_encrypted=self._seal(installation.bot_refresh_token),
            bot_token_expires_at=_seconds_to_datetime(installation.bot_token_expires_at),
            bot_id=installation.bot_id,
            bot_user_id=installation.bot_user_id,
            bot_scopes=",".join(installation.bot_scopes or []),
            user_id=installation.user_id,
            user_token_encrypted=self._seal(installation.user_token),
            user_refresh_token_encrypted=self._seal(installation.user_refresh_token),
            user_token_expires_at=_seconds_to_datetime(installation.user_token_expires_at),
            user_scopes=",".join(installation.user_scopes or []),
            incoming_webhook_url_encrypted=self._seal(installation.incoming_webhook_url),
            incoming_webhook_channel_id=installation.incoming_webhook_channel_id,
            token_type=installation.token_type,
            installed_at=datetime.fromtimestamp(installation.installed_at, tz=UTC),
        )

    def _to_installation(self, row: InstallationRow) -> Installation:
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=self._open(row.bot_token_encrypted),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes or "",
            bot_refresh_token=self._open(row.bot_refresh_token_encrypted),
            bot_token_expires_at=_datetime_to_seconds(row.bot_token_expires_at),
            user_id=row.user_id,
            user_token=self._open(row.user_token_encrypted),
            user_scopes=row.user_scopes or "",
            user_refresh_token=self._open(row.user_refresh_token_encrypted),
            user_token_expires_at=_datetime_to_seconds(row.user_token_expires_at),
            incoming_webhook_url=self._open(row.incoming_webhook_url_encrypted),
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            is_enterprise_install=row.is_enterprise_install,
            token_type=row.token_type,
            installed_at=row.installed_at.timestamp(),
        )

    async def async_save(self, installation: Installation) -> None:
        row = self._to_row(installation)
        await self._core.run(repo.save_installation, row)
        log.info("installation saved for team=%s enterprise=%s", row.team_id, row.enterprise_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """A bot whose token was just refreshed (token rotation): its new token, sealed."""
        if bot.bot_token is None:
            return
        org_wide = bool(bot.is_enterprise_install)
        key = WorkspaceKey(bot.enterprise_id, "" if org_wide else bot.team_id or "")
        await self._core.run(
            repo.replace_bot_token,
            client_id=self._client_id,
            key=key,
            org_wide=org_wide,
            token_encrypted=self._cipher.encrypt(bot.bot_token),
            refresh_token_encrypted=self._seal(bot.bot_refresh_token),
            expires_at=_seconds_to_datetime(bot.bot_token_expires_at),
        )
        log.info(
            "refreshed bot token saved for team=%s enterprise=%s", key.team_id, key.enterprise_id
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key = WorkspaceKey(enterprise_id, team_id or "")
        row = await self._core.read(
            repo.find_latest,
            client_id=self._client_id,
            key=key,
            org_wide=bool(is_enterprise_install),
            user_id=user_id,
        )
        return None if row is None else self._to_installation(row)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = WorkspaceKey(enterprise_id, team_id or "")
        row = await self._core.read(
            repo.find_latest_with_bot,
            client_id=self._client_id,
            key=key,
            org_wide=bool(is_enterprise_install),
        )
        return None if row is None else self._to_installation(row).to_bot()

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        key = WorkspaceKey(enterprise_id, team_id or "")
        await self._core.run(repo.delete_bot, client_id=self._client_id, key=key, org_wide=False)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        key = WorkspaceKey(enterprise_id, team_id or "")
        await self._core.run(
            repo.delete_installations,
            client_id=self._client_id,
            key=key,
            org_wide=False,
            user_id=user_id,
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        key = WorkspaceKey(enterprise_id, team_id or "")
        await self._core.run(
            repo.delete_installations, client_id=self._client_id, key=key, org_wide=False
        )


class DatabaseStateStore(AsyncOAuthStateStore):
    """One-time OAuth states in our database, so any replica can finish an install.

    Each state is also signed with SLACK_STATE_SECRET: a forged one is refused before any
    database read.
    """

    def __init__(self, core: Core, secret: str, *, expiration_seconds: int = 600) -> None:
        self._core = core
        self._secret = secret.encode()
        self._expiration = timedelta(seconds=expiration_seconds)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        nonce = secrets.token_urlsafe(32)
        state = f"{nonce}.{self._sign(nonce)}"
        expires_at = self._core.clock.now() + self._expiration
        await self._core.run(repo.issue_state, state=state, expires_at=expires_at)
        return state

    async def async_consume(self, state: str) -> bool:
        nonce, _dot, signature = state.partition(".")
        if not nonce or not hmac.compare_digest(signature, self._sign(nonce)):
            log.info("refused an OAuth state with a bad signature")
            return False
        return await self._core.run(repo.consume_state, state=state, now=self._core.clock.now())
