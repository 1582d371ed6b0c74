"""Uninstall and token revocation: tokens go at once, the workspace's data as configured."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.platform import forget_workspace
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)


async def on_app_uninstalled(
    context: AsyncBoltContext,
    services: SlackServices,
    installation_store: AsyncInstallationStore | None,
) -> None:
    team_id = context.team_id or ""
    if installation_store is not None:
        await installation_store.async_delete_all(
            enterprise_id=context.enterprise_id, team_id=team_id
        )
    core = services.core
    if core.settings.delete_data_on_uninstall and team_id:
        counts = await core.run(
            forget_workspace, team_id=team_id, tables=core.features.tenant_tables
        )
        log.info("workspace %s uninstalled: deleted %s", team_id, counts)


async def on_tokens_revoked(
    event: dict[str, Any],
    context: AsyncBoltContext,
    installation_store: AsyncInstallationStore | None,
) -> None:
    if installation_store is None:
        return
    tokens = event.get("tokens") or {}
    for user_id in tokens.get("oauth") or []:
        await installation_store.async_delete_installation(
            enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
        )
    if tokens.get("bot"):
        await installation_store.async_delete_bot(
            enterprise_id=context.enterprise_id, team_id=context.team_id
        )


def register(app: AsyncApp) -> None:
    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
