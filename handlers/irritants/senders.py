"""One sender per outbox kind: the Slack calls that follow an irritant decision."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channel_locale import channel_locale
from bot.coalesce import Batched, Coalesced
from bot.i18n import Translator
from bot.irritants import usecases
from bot.irritants.outbox import (
    CONFIRM_REPORT,
    FETCH_MESSAGE,
    MARK_RESOLVED,
    NOTIFY_RESOLVED,
    UNMARK_RESOLVED,
    IrritantRef,
    ReportConfirmation,
    ResolutionNotice,
)
from bot.irritants.rules import Status
from bot.irritants.usecases import IrritantSnapshot, MessageRecord, SnapshotRequest
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

    async def store(batch: list[MessageRecord]) -> None:
        await core.run(usecases.record_messages, records=batch)

    # …and the messages their fetches brought back are recorded in one transaction.
    records: Batched[MessageRecord] = Batched(store)

    async def snapshot(
        ws: Workspace, irritant_id: int, *, reporters: bool = False, mark: bool = False
    ) -> IrritantSnapshot | None:
        return await snapshots.get(SnapshotRequest(ws, irritant_id, reporters, mark))

    async def fetch_message(ws: Workspace, payload: IrritantRef) -> None:
        item = await snapshot(ws, payload.irritant_id)
        if item is None or (item.text_status != "pending" and item.permalink is not None):
            return  # already fetched (the confirmation may have needed it first)
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
        await records.put(
            MessageRecord(ws, payload.irritant_id, text, permalink, posted_at, author)
        )

    async def confirm_report(ws: Workspace, payload: ReportConfirmation) -> None:
        item = await snapshot(ws, payload.irritant_id, reporters=True)
        if item is None or not item.reporters:
            return  # taken back before we got to it
        if item.text_status == "pending":
            # The thanks quotes the message: fetch it now rather than after.
            await fetch_message(ws, IrritantRef(irritant_id=payload.irritant_id))
            item = await snapshot(ws, payload.irritant_id, reporters=True) or item
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        _ = await services.translator(client, ws.team_id, payload.user_id)

        def blocks(invite: bool = False) -> list[Any]:
            return confirmation_blocks(
                payload.irritant_id,
                item.reporters or 0,
                payload.channel_id,
                item.text,
                _,
                invite=invite,
            )

        text = _.ngettext(
            "Thanks! You reported a message in <#{channel}> as an irritant "
            "({count} report so far).",
            "Thanks! You reported a message in <#{channel}> as an irritant "
            "({count} reports so far).",
            item.reporters or 0,
            channel=payload.channel_id,
        )
        try:
            await client.chat_postEphemeral(
                channel=payload.channel_id, user=payload.user_id, text=text, blocks=blocks()
            )
        except SlackApiError as error:
            if _error(error) not in (*UNREADABLE, "user_not_in_channel"):
                raise
            # The vote counts; tell the reporter privately, and why the bot can't read it.
            invite = _error(error) in UNREADABLE
            if invite:
                text += " " + _(
                    "I'm not in <#{channel}>, so I can't read the message. Invite me with "
                    "`/invite @journeybot` in the channel to get its text.",
                    channel=payload.channel_id,
                )
            await _direct_message(client, payload.user_id, text, blocks(invite))

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
        if item.mark in ("reply", "both") and item.resolution_reply_ts is None:
            # Posted for everyone in the channel: the channel's language, not one person's.
            spoken = await core.read(channel_locale, ws=ws, channel_id=item.channel_id)
            _ = Translator(spoken.locale)
            posted = await client.chat_postMessage(
                channel=item.channel_id,
                thread_ts=item.thread_ts or item.message_ts,
                text=_(":white_check_mark: Resolved: {note}", note=item.resolution_note or ""),
            )
            # Remembered so Reopen can take the reply back.
            await core.run(
                usecases.record_resolution_reply,
                ws=ws,
                irritant_id=payload.irritant_id,
                reply_ts=posted.get("ts"),
            )

    async def unmark_resolved(ws: Workspace, payload: IrritantRef) -> None:
        """Reopened: the ✅ and the thread reply no longer tell the truth, so they go."""
        item = await snapshot(ws, payload.irritant_id)
        if item is None or item.status == Status.resolved:
            return  # resolved again before we got to it: the mark is right
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        try:
            await client.reactions_remove(
                channel=item.channel_id, timestamp=item.message_ts, name=RESOLVED_EMOJI
            )
        except SlackApiError as error:
            if _error(error) not in ("no_reaction", "message_not_found", *UNREADABLE):
                raise
        if item.resolution_reply_ts:
            try:
                await client.chat_delete(channel=item.channel_id, ts=item.resolution_reply_ts)
            except SlackApiError as error:
                if _error(error) not in ("message_not_found", *UNREADABLE):
                    raise
            await core.run(
                usecases.record_resolution_reply,
                ws=ws,
                irritant_id=payload.irritant_id,
                reply_ts=None,
            )

    return [
        Sender(FETCH_MESSAGE, fetch_message),
        Sender(CONFIRM_REPORT, confirm_report),
        Sender(NOTIFY_RESOLVED, notify_resolved),
        Sender(MARK_RESOLVED, mark_resolved),
        Sender(UNMARK_RESOLVED, unmark_resolved),
    ]


async def _direct_message(
    client: AsyncWebClient, user_id: str, text: str, blocks: list[Any]
) -> None:
    opened = await client.conversations_open(users=user_id)
    await client.chat_postMessage(channel=opened["channel"]["id"], text=text, blocks=blocks)
