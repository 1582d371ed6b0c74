"""The home refresh the outbox holds: published once it is due, to someone who opened it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.home import usecases
from bot.home.outbox import REFRESH, HomeRefresh
from bot.tenancy import Workspace
from handlers.feature import Sender
from handlers.home.publish import home_reader, publish_home
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)
# The person is gone (deactivated, or the workspace no longer lets the app reach them):
# retrying would fail the same way, and their next visit, if any, publishes afresh.
GONE = frozenset({"user_not_found", "user_disabled"})


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core

    async def refresh(ws: Workspace, payload: HomeRefresh) -> None:
        now = core.clock.now()
        # Cleared before reading: a change after this point queues the next refresh.
        if not await core.run(usecases.take_refresh, ws=ws, user_id=payload.user_id, now=now):
            return
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        try:
            audience = await home_reader(services, client, ws, payload.user_id, now)
            await publish_home(services, client, ws, payload.user_id, audience, now)
        except SlackApiError as error:
            reason = str(error.response.get("error", "")) if error.response is not None else ""
            if reason not in GONE:
                raise
            log.info("home of %s not refreshed: %s", payload.user_id, reason)

    return [Sender(REFRESH, refresh)]
