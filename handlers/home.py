"""App Home: published when a user opens the journeybot tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.blocks.home import home_view
from handlers.blocks.irritants import ListState
from handlers.irritants.common import workspace_of
from handlers.irritants.triage import load_page
from handlers.services import Services

HOME_TOP = 5


async def _publish_home(
    body: dict[str, Any],
    event: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    if event.get("tab") != "home":
        return
    ws = workspace_of(context, body)
    user_id = str(event.get("user", ""))
    _ = await services.translator(client, ws.team_id, user_id)
    cards, total, _state = await services.runtime.run(
        load_page, ws=ws, state=ListState("open", None, 0)
    )
    await client.views_publish(
        user_id=user_id, view=home_view(services.runtime.catalog, cards[:HOME_TOP], total, _)
    )


async def on_app_home_opened(
    body: dict[str, Any],
    event: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    # Published after Slack has its 200: the Web API calls may take longer than its deadline.
    services.spawn(_publish_home(body, event, client, context, services))


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_app_home_opened)
