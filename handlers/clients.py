"""A Web API client for any workspace, outside a request (outbox, jobs)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient


class NoInstallationError(Exception):
    """The workspace has uninstalled the app, or was never installed."""


class ClientProvider:
    """Single-workspace mode: the app's client. OAuth mode: a client with the workspace's token.

    With Slack's token rotation on, a token near its expiry is refreshed (and stored) before
    the client is handed out, as Bolt does for requests: a job must not call with a token
    that lapses mid-way.
    """

    def __init__(
        self,
        app_client: AsyncWebClient,
        make_client: Callable[[str], AsyncWebClient],
        installation_store: AsyncInstallationStore | None,
        rotator: AsyncTokenRotator | None = None,
        refresh_minutes: int = 120,
    ) -> None:
        self._app_client = app_client
        self._make_client = make_client
        self._store = installation_store
        self._rotator = rotator
        self._refresh_minutes = refresh_minutes

    async def for_workspace(self, team_id: str, enterprise_id: str | None) -> AsyncWebClient:
        if self._store is None:
            return self._app_client
        bot = await self._store.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id is not None:
            bot = await self._store.async_find_bot(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        if bot is None or not bot.bot_token:
            raise NoInstallationError(team_id)
        return self._make_client(await self._fresh_token(bot))

    async def _fresh_token(self, bot: Bot) -> str:
        """The bot's token, refreshed first when it expires within `refresh_minutes`.

        A failed refresh raises (SlackTokenRotationError): the caller's retry takes it again.
        """
        if self._rotator is None or bot.bot_refresh_token is None or self._store is None:
            return str(bot.bot_token)
        refreshed = await self._rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=self._refresh_minutes
        )
        if refreshed is None:
            return str(bot.bot_token)
        await self._store.async_save_bot(refreshed)
        return str(refreshed.bot_token)
