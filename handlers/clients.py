"""A Web API client for any workspace, outside a request (outbox, jobs)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient


class NoInstallationError(Exception):
    """The workspace has uninstalled the app, or was never installed."""


class ClientProvider:
    """Single-workspace mode: the app's client. OAuth mode: a client with the workspace's token."""

    def __init__(
        self,
        app_client: AsyncWebClient,
        make_client: Callable[[str], AsyncWebClient],
        installation_store: AsyncInstallationStore | None,
    ) -> None:
        self._app_client = app_client
        self._make_client = make_client
        self._store = installation_store

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
        return self._make_client(bot.bot_token)
