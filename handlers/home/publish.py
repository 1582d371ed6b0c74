"""Publishing a person's home tab: who they are as a reader, then `views.publish`."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.home import usecases
from bot.membership import Audience
from bot.tenancy import Workspace
from handlers.audience import audience_for
from handlers.blocks.home import home_view
from handlers.caller import Caller
from handlers.slack_services import SlackServices


async def home_reader(
    services: SlackServices, client: AsyncWebClient, ws: Workspace, user_id: str, now: datetime
) -> Audience:
    """The person as a reader of every channel the home may quote (admins: all of them)."""
    caller = Caller(workspace=ws, user_id=user_id, now=now, _services=services, _client=client)
    channels = await services.core.read(usecases.source_channels, ws=ws)
    return await audience_for(services, client, caller, channels)


async def publish_home(
    services: SlackServices,
    client: AsyncWebClient,
    ws: Workspace,
    user_id: str,
    audience: Audience,
    now: datetime,
) -> None:
    """Read what the home shows for this reader, in their language, and publish it."""
    _ = await services.translator(client, ws.team_id, user_id)
    content = await services.core.read(usecases.home_content, ws=ws, audience=audience, now=now)
    view = home_view(services.core.features.catalog, content, now, _)
    await client.views_publish(user_id=user_id, view=view)
