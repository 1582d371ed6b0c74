"""The home refresh the outbox holds: published once it is due, to someone who opened it."""

from __future__ import annotations

from typing import Any

from bot.home import usecases
from bot.home.outbox import REFRESH, HomeRefresh
from bot.tenancy import Workspace
from handlers.feature import Sender
from handlers.home.publish import home_reader, publish_home
from handlers.slack_services import SlackServices


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core

    async def refresh(ws: Workspace, payload: HomeRefresh) -> None:
        now = core.clock.now()
        # Cleared before reading: a change after this point queues the next refresh.
        if not await core.run(usecases.take_refresh, ws=ws, user_id=payload.user_id, now=now):
            return
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        audience = await home_reader(services, client, ws, payload.user_id, now)
        await publish_home(services, client, ws, payload.user_id, audience, now)

    return [Sender(REFRESH, refresh)]
