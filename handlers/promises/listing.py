"""`/journey promises`: the channel's promises in force, a page at a time.

The page buttons carry a sealed value (workspace, channel, page): a value the client changed,
or one from another workspace, shows nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.i18n import N_, Translator
from bot.promises import usecases
from bot.tenancy import Workspace
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.promises.blocks import promise_list_blocks
from handlers.slack_services import SlackServices

PAGE_SIZE = 5
STALE = N_("This list is out of date; run the command again.")


class PageValue(BaseModel):
    team_id: str
    channel_id: str
    page: int


async def _render(
    services: SlackServices, ws: Workspace, channel_id: str, page: int, _: Translator
) -> tuple[str, list[Any]]:
    shown = await services.core.read(
        usecases.list_promises, ws=ws, channel_id=channel_id, page=page, page_size=PAGE_SIZE
    )
    values = {
        number: services.seal.seal(
            PageValue(team_id=ws.team_id, channel_id=channel_id, page=number)
        )
        for number in (shown.number - 1, shown.number + 1)
        if number >= 0
    }
    blocks = promise_list_blocks(shown, value_for=values, _=_)
    text = _.ngettext("{count} promise", "{count} promises", shown.total)
    return text, blocks


async def promises_command(call: CommandCall) -> None:
    await call.ack()
    text, blocks = await _render(call.services, call.workspace, call.channel_id, 0, call.translator)
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def on_page(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    _ = await caller.translator()
    value = services.seal.open(str(action.get("value", "")), PageValue)
    if value is None or value.team_id != caller.workspace.team_id:
        await respond(text=_(STALE), response_type="ephemeral", replace_original=False)
        return
    text, blocks = await _render(
        services, caller.workspace, value.channel_id, min(max(0, value.page), 10_000), _
    )
    await respond(text=text, blocks=blocks, replace_original=True)
