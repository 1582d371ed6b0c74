"""Who is reading irritants: the shared membership rule applied to the irritants' channels."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.irritants import usecases
from bot.membership import Audience
from handlers.audience import audience_for
from handlers.caller import Caller
from handlers.slack_services import SlackServices


async def irritant_reader(
    services: SlackServices, client: AsyncWebClient, caller: Caller, user_id: str | None = None
) -> Audience:
    """The caller (or `user_id`) as a reader: admins see all, others their channels' irritants."""
    reader = user_id or caller.user_id
    if await services.locales.is_admin(client, caller.workspace.team_id, reader):
        return Audience(user_id=reader, sees_all=True)
    channels = await services.core.read(usecases.irritant_channels, ws=caller.workspace)
    return await audience_for(services, client, caller, channels, user_id=reader)
