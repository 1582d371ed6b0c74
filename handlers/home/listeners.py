"""The home tab's listeners: it is opened, and "I'll take it" is clicked on it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.home import usecases
from bot.home.usecases import HomeError
from bot.tenancy import Workspace
from bot.watcher.usecases import RequestError
from handlers.caller import Caller
from handlers.home.publish import home_reader, publish_home
from handlers.ids import row_id
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)


async def _opened(
    services: SlackServices, client: AsyncWebClient, ws: Workspace, user_id: str, caller: Caller
) -> None:
    audience = await home_reader(services, client, ws, user_id, caller.now)
    # Recorded before reading: a change committed meanwhile queues a refresh, not a miss.
    await services.core.run(
        usecases.opened, ws=ws, user_id=user_id, is_admin=audience.sees_all, now=caller.now
    )
    await publish_home(services, client, ws, user_id, audience, caller.now)


async def on_app_home_opened(
    event: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    if event.get("tab") != "home" or not isinstance(event.get("user"), str):
        return
    # Published after Slack has its 200: the Web API calls may take longer than its deadline.
    services.spawn(_opened(services, client, caller.workspace, str(event["user"]), caller))


def _request_id(action: dict[str, Any]) -> int | None:
    return row_id(action.get("value"))


async def on_take(
    ack: AsyncAck,
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    """ "I'll take it" on the home: the watcher's acknowledgement, then the home again at once
    (the person is looking at it; other viewers get theirs through the debounced refresh)."""
    await ack()
    ws, user_id = caller.workspace, caller.user_id
    audience = await home_reader(services, client, ws, user_id, caller.now)
    request_id = _request_id(action)
    if request_id is not None:
        try:
            await services.core.run(
                usecases.take, ws=ws, request_id=request_id, audience=audience, now=caller.now
            )
        except (HomeError, RequestError) as error:
            # The refreshed home no longer lists it; nothing else to tell.
            log.info("home take of %s refused: %s", request_id, error.message)
    await publish_home(services, client, ws, user_id, audience, caller.now)
