"""`/journey requests [open|all]`: the channel's requests, paginated, for the person asking."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.i18n import Translator
from bot.tenancy import Workspace
from bot.watcher import usecases
from handlers.blocks.watcher import list_blocks
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.promises.slack_facts import is_channel_member
from handlers.slack_services import SlackServices

SCOPE_WORDS = {"open": "open", "ouvertes": "open", "all": "all", "toutes": "all"}


async def render(
    services: SlackServices,
    ws: Workspace,
    channel_id: str,
    scope: str,
    page: int,
    caller: Caller,
    _: Translator,
) -> tuple[str, list[Any]]:
    found = await services.core.read(
        usecases.list_page, ws=ws, channel_id=channel_id, open_only=scope == "open", page=page
    )
    return list_blocks(found, channel_id=channel_id, scope=scope, now=caller.now, _=_)


async def requests_command(call: CommandCall) -> None:
    args = [word.casefold() for word in call.parsed.args]
    scope = SCOPE_WORDS.get(args[0], "open") if args else "open"
    await call.ack()
    if not await is_channel_member(call.client, call.channel_id, call.user_id):
        _ = call.translator
        await call.respond(
            text=_("Only members of <#{channel}> can see its requests.", channel=call.channel_id),
            response_type="ephemeral",
        )
        return
    text, blocks = await render(
        call.services, call.workspace, call.channel_id, scope, 0, call.caller, call.translator
    )
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def on_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    try:
        state = json.loads(str(action.get("value", "")))
    except ValueError:
        state = {}
    if not isinstance(state, dict):
        state = {}
    scope = "all" if state.get("s") == "all" else "open"
    raw_page = state.get("p")
    page = raw_page if isinstance(raw_page, int) else 0
    # The channel is the one the list was shown in (Slack's signed body), not the value's.
    channel = str((body.get("channel") or {}).get("id") or "")
    _ = await caller.translator()
    text, blocks = await render(
        services, caller.workspace, channel, scope, max(0, min(page, 10_000)), caller, _
    )
    await respond(text=text, blocks=blocks, replace_original=True)
