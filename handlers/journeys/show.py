"""Seeing an exercise: `/journey list`, the board (message or modal, paginated), the map
picture and the exports, and `/journey mute|unmute`."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.journeys import rules, usecases
from bot.journeys.board import Board
from bot.journeys.export import export_csv, export_json, export_markdown
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import ExerciseView
from bot.tenancy import Workspace
from handlers.blocks.journey_board import (
    MESSAGE_BLOCKS,
    MODAL_BLOCKS,
    board_frame,
    board_pages,
    list_blocks,
)
from handlers.blocks.journey_forms import reading_modal
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.ids import JourneyView
from handlers.journeys.common import (
    action_exercise_id,
    exercise_for,
    exercise_modal_button,
    payload_channel,
)
from handlers.slack_services import SlackServices

SHARE_WORDS = {"share", "partager", "partage"}
FORMATS = {"csv": "csv", "json": "json", "md": "md", "markdown": "md"}


async def _refuse(call: CommandCall, error: JourneyError) -> None:
    await call.ack(text=call.translator(error.message), response_type="ephemeral")


async def list_command(call: CommandCall) -> None:
    views = await call.core.read(
        usecases.channel_list, ws=call.workspace, channel_id=call.channel_id
    )
    _ = call.translator
    blocks = list_blocks(views, _)
    await call.ack(
        text=_("Journey exercises in this channel"), blocks=blocks, response_type="ephemeral"
    )


async def _find(
    call: CommandCall, words: list[str], open_only: bool = True
) -> usecases.ExerciseView:
    return await call.core.read(
        usecases.find,
        ws=call.workspace,
        channel_id=call.channel_id,
        words=words,
        open_only=open_only,
    )


def _board_message(
    board: Board, exercise_id: int, page: int, _: Translator
) -> tuple[list[Any], int]:
    pages = board_pages(board, _, limit=MESSAGE_BLOCKS, exercise_id=exercise_id)
    page = max(0, min(page, len(pages) - 1))
    return board_frame(board, pages[page], page, len(pages), exercise_id, _), len(pages)


async def board_command(call: CommandCall) -> None:
    try:
        found = await _find(call, call.parsed.args, open_only=False)
    except JourneyError as error:
        await _refuse(call, error)
        return
    board = await call.core.read(
        usecases.board, ws=call.workspace, exercise_id=found.id, now=call.caller.now
    )
    _ = call.translator
    blocks, _count = _board_message(board, found.id, 0, _)
    await call.ack(
        text=_("Board of #{number}", number=board.number), blocks=blocks, response_type="ephemeral"
    )


def _board_modal(board: Board, exercise_id: int, page: int, _: Translator) -> View:
    pages = board_pages(board, _, limit=MODAL_BLOCKS, exercise_id=exercise_id)
    page = max(0, min(page, len(pages) - 1))
    return reading_modal(
        JourneyView.board,
        title_text=_("Journey board"),
        blocks=board_frame(board, pages[page], page, len(pages), exercise_id, _),
        _=_,
    )


async def _first_board_page(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    board = await services.core.read(
        usecases.board, ws=caller.workspace, exercise_id=view.id, now=caller.now
    )
    _ = await caller.translator()
    return _board_modal(board, view.id, 0, _)


on_board_button = exercise_modal_button(_first_board_page, contribute=False)


async def on_board_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    raw_id, _sep, raw_page = str(action.get("value") or "").partition(":")
    try:
        exercise_id, page = int(raw_id), int(raw_page)
    except ValueError:
        raise JourneyError(rules.GONE) from None
    # A board is read by the members of its channel only, whatever id the button carries.
    await exercise_for(services, caller, client, exercise_id)
    board = await services.core.read(
        usecases.board, ws=caller.workspace, exercise_id=exercise_id, now=caller.now
    )
    _ = await caller.translator()
    if (body.get("container") or {}).get("type") == "view":
        await client.views_update(
            view_id=body["view"]["id"], view=_board_modal(board, exercise_id, page, _)
        )
        return
    blocks, _count = _board_message(board, exercise_id, page, _)
    await respond(
        text=_("Board of #{number}", number=board.number), blocks=blocks, replace_original=True
    )


# -- the map picture ------------------------------------------------------------------------
async def _dm(client: AsyncWebClient, user_id: str) -> str:
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


async def send_map(
    services: SlackServices,
    ws: Workspace,
    exercise_id: int,
    user_id: str,
    share: bool,
    _: Translator,
) -> None:
    """Render off the event loop, then upload every page with its alt text."""
    # matplotlib is loaded with the first map, not at start-up (it takes seconds to import).
    from bot.journeys.map import render_map

    board = await services.core.read(
        usecases.board, ws=ws, exercise_id=exercise_id, now=services.core.clock.now()
    )
    pages = await asyncio.to_thread(render_map, board, _)
    client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
    channel = board.channel_id if share else await _dm(client, user_id)
    for page in pages:
        suffix = f"-{page.page}" if page.page_count > 1 else ""
        await client.files_upload_v2(
            channel=channel,
            file=page.png,
            filename=f"journey-{board.number}{suffix}.png",
            title=_("Journey map #{number}", number=board.number),
            alt_txt=page.alt_text,
            initial_comment=_(
                "Journey map of #{number} {task}", number=board.number, task=board.task
            )
            if page.page == 1
            else None,
        )


async def map_command(call: CommandCall) -> None:
    words = list(call.parsed.args)
    share = bool(words) and words[-1].casefold() in SHARE_WORDS
    if share:
        words = words[:-1]
    try:
        found = await _find(call, words, open_only=False)
    except JourneyError as error:
        await _refuse(call, error)
        return
    _ = call.translator
    where = _("in the channel") if share else _("in a direct message")
    await call.ack(
        text=_("Drawing the map; it will arrive {where}.", where=where), response_type="ephemeral"
    )
    call.services.spawn(send_map(call.services, call.workspace, found.id, call.user_id, share, _))


async def on_map_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    view = await exercise_for(
        services,
        caller,
        client,
        action_exercise_id(action),
        channel_id=payload_channel(body),
        contribute=False,
    )
    _ = await caller.translator()
    services.spawn(send_map(services, caller.workspace, view.id, caller.user_id, False, _))
    await respond(
        text=_("Drawing the map; it will arrive in a direct message."),
        response_type="ephemeral",
        replace_original=False,
    )


# -- exports --------------------------------------------------------------------------------
def export_text(board: Board, fmt: str, _: Translator) -> tuple[str, str]:
    """The file's name and content."""
    if fmt == "json":
        return f"journey-{board.number}.json", export_json(board)
    if fmt == "md":
        return f"journey-{board.number}.md", export_markdown(board, _)
    return f"journey-{board.number}.csv", "\ufeff" + export_csv(board)


async def send_export(
    services: SlackServices, ws: Workspace, exercise_id: int, user_id: str, fmt: str, _: Translator
) -> None:
    board = await services.core.read(
        usecases.board, ws=ws, exercise_id=exercise_id, now=services.core.clock.now()
    )
    filename, content = await asyncio.to_thread(export_text, board, fmt, _)
    client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
    await client.files_upload_v2(
        channel=await _dm(client, user_id),
        filename=filename,
        title=_("Journey #{number} export", number=board.number),
        content=content,
        initial_comment=_(
            "Here is the export of #{number} {task}.", number=board.number, task=board.task
        ),
    )


async def export_command(call: CommandCall) -> None:
    """`/journey export [exercise] csv|md|json`: the file goes to the person's DM."""
    words = list(call.parsed.args)
    fmt = FORMATS.get(words[-1].casefold()) if words else None
    if fmt is None:
        fmt = "csv"
    else:
        words = words[:-1]
    try:
        found = await _find(call, words, open_only=False)
    except JourneyError as error:
        await _refuse(call, error)
        return
    _ = call.translator
    await call.ack(
        text=_("Preparing your export; it will arrive in a direct message."),
        response_type="ephemeral",
    )
    call.services.spawn(send_export(call.services, call.workspace, found.id, call.user_id, fmt, _))


async def mute_command(call: CommandCall) -> None:
    await call.core.run(usecases.mute, ws=call.workspace, user_id=call.user_id, now=call.caller.now)
    _ = call.translator
    await call.ack(
        text=_("Done: no more journey reminders for you. `/journey unmute` brings them back."),
        response_type="ephemeral",
    )


async def unmute_command(call: CommandCall) -> None:
    await call.core.run(usecases.unmute, ws=call.workspace, user_id=call.user_id)
    _ = call.translator
    await call.ack(text=_("Journey reminders are back on for you."), response_type="ephemeral")
