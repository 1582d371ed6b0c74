"""One sender per outbox kind: the Slack calls that follow an irritant decision."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coalesce import Coalesced
from bot.i18n import Translator
from bot.irritants import usecases
from bot.irritants.outbox import (
    CONFIRM_REPORT,
    FETCH_MESSAGE,
    MARK_RESOLVED,
    NOTIFY_RESOLVED,
    IrritantRef,
    ReportConfirmation,
    ResolutionNotice,
)
from bot.irritants.rules import Status
from bot.irritants.usecases import IrritantSnapshot, SnapshotRequest
from bot.tenancy import Workspace
from handlers.blocks.irritants import confirmation_blocks, resolved_dm_blocks
from handlers.feature import Sender
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)
RESOLVED_EMOJI = "white_check_mark"
UNREADABLE = ("not_in_channel", "channel_not_found", "missing_scope")


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "")) if error.response is not None else ""


async def _find_message(client: AsyncWebClient, item: IrritantSnapshot) -> dict[str, Any] | None:
    ts, thread_ts = item.message_ts, item.thread_ts
    if thread_ts and thread_ts != ts:
        response = await client.conversations_replies(
            channel=item.channel_id, ts=thread_ts, latest=ts, oldest=ts, inclusive=True, limit=1
        )
    else:
        response = await client.conversations_history(
            channel=item.channel_id, latest=ts, oldest=ts, inclusive=True, limit=1
        )
    for message in response.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    return None


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core

    async def load(requests: list[SnapshotRequest]) -> dict[SnapshotRequest, IrritantSnapshot]:
        return await core.read(usecases.snapshots, requests=requests)

    # The relay sends a group at once: the group's snapshots are read in one transaction.
    snapshots = Coalesced(load)

    async def snapshot(
        ws: Workspace, irritant_id: int, *, reporters: bool = False, mark: bool = False
    ) -> IrritantSnapshot | None:
        return await snapshots.get(SnapshotRequest(ws, irritant_id, reporters, mark))

    async def fetch_message(ws: Workspace, payload: IrritantRef) -> None:
        item = await snapshot(ws, payload.irritant_id)
        if item is None:
            return
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        text: str | None = None
        author: str | None = None
        posted_at: datetime | None = None
        permalink: str | None = None
        try:
            message = await _find_message(client, item)
            if message is not None:
                text, author = str(message.get("text") or ""), message.get("user")
                posted_at = datetime.fromtimestamp(float(message["ts"]), tz=UTC)
            link = await client.chat_getPermalink(
                channel=item.channel_id, message_ts=item.message_ts
            )
            permalink = link.get("permalink")
        except SlackApiError as error:
            if _error(error) not in (*UNREADABLE, "message_not_found", "thread_not_found"):
                raise
            log.info("irritant %s: message unreadable (%s)", payload.irritant_id, _error(error))
        await core.run(
            usecases.record_message,
            ws=ws,
            irritant_id=payload.irritant_id,
            text=text,
            permalink=permalink,
            posted_at=posted_at,
            author_id=author,
        )

    async def confirm_report(ws: Workspace, payload: ReportConfirmation) -> None:
        item = await snapshot(ws, payload.irritant_id, reporters=True)
        if item is None or not item.reporters:
            return  # taken back before we got to it
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        _ = await services.translator(client, ws.team_id, payload.user_id)
        blocks = confirmation_blocks(payload.irritant_id, item.reporters, _)
        text = _("Captured as an irritant.")
        try:
            await client.chat_postEphemeral(
                channel=payload.channel_id, user=payload.user_id, text=text, blocks=blocks
            )
        except SlackApiError as error:
            if _error(error) not in (*UNREADABLE, "user_not_in_channel"):
                raise
            # The vote counts; tell the reporter privately why the bot can't answer there.
            await _direct_message(
                client,
                payload.user_id,
                _(
                    "Your irritant was counted, but I'm not in <#{channel}> so I can't read the "
                    "message. Invite me with `/invite @journeybot` to capture its text.",
                    channel=payload.channel_id,
                ),
                blocks,
            )

    async def notify_resolved(ws: Workspace, payload: ResolutionNotice) -> None:
        item = await snapshot(ws, payload.irritant_id)
        if item is None or item.status != Status.resolved:
            return  # reopened before we told anyone
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        _ = await services.translator(client, ws.team_id, payload.user_id)
        blocks = resolved_dm_blocks(
            channel_id=item.channel_id,
            text=item.text,
            text_status=item.text_status,
            permalink=item.permalink,
            note=item.resolution_note or "",
            _=_,
        )
        await _direct_message(
            client, payload.user_id, _("An irritant you reported was resolved."), blocks
        )

    async def mark_resolved(ws: Workspace, payload: IrritantRef) -> None:
        item = await snapshot(ws, payload.irritant_id, mark=True)
        if item is None or item.status != Status.resolved:
            return
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        if item.mark in ("reaction", "both"):
            try:
                await client.reactions_add(
                    channel=item.channel_id, timestamp=item.message_ts, name=RESOLVED_EMOJI
                )
            except SlackApiError as error:
                if _error(error) != "already_reacted":  # a redelivery after a crash
                    raise
        if item.mark in ("reply", "both"):
            _ = Translator(core.settings.default_locale)
            await client.chat_postMessage(
                channel=item.channel_id,
                thread_ts=item.thread_ts or item.message_ts,
                text=_(":white_check_mark: Resolved: {note}", note=item.resolution_note or ""),
            )

    return [
        Sender(FETCH_MESSAGE, fetch_message),
        Sender(CONFIRM_REPORT, confirm_report),
        Sender(NOTIFY_RESOLVED, notify_resolved),
        Sender(MARK_RESOLVED, mark_resolved),
    ]


async def _direct_message(
    client: AsyncWebClient, user_id: str, text: str, blocks: list[Any]
) -> None:
    opened = await client.conversations_open(users=user_id)
    await client.chat_postMessage(channel=opened["channel"]["id"], text=text, blocks=blocks)
