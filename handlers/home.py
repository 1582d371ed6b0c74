"""App Home: published when a user opens the journeybot tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.irritants import usecases
from handlers.blocks.home import home_view
from handlers.caller import Caller
from handlers.irritants.readers import irritant_reader
from handlers.slack_services import SlackServices

HOME_TOP = 5


async def _publish_home(
    user_id: str, client: AsyncWebClient, services: SlackServices, caller: Caller
) -> None:
    _ = await services.translator(client, caller.workspace.team_id, user_id)
    audience = await irritant_reader(services, client, caller, user_id)
    page = await services.core.read(
        usecases.list_page,
        ws=caller.workspace,
        open_only=True,
        category=None,
        page=0,
        page_size=HOME_TOP,
        audience=audience,
    )
    view = home_view(services.core.features.catalog, page.items, page.total, _)
    await client.views_publish(user_id=user_id, view=view)


async def on_app_home_opened(
    event: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    if event.get("tab") != "home" or not isinstance(event.get("user"), str):
        return
    # Published after Slack has its 200: the Web API calls may take longer than its deadline.
    services.spawn(_publish_home(str(event["user"]), client, services, caller))


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_app_home_opened)
