"""The optional holding reply after "I'll take it": an offer only the taker sees, a modal
with the answer-by date, and the reply posted in the request's thread in the requester's
language (the client reads it, not the team)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.i18n import Translator
from bot.tenancy import Workspace
from bot.watcher import holding, usecases
from bot.watcher.holding import ANSWER_BY
from bot.watcher.outbox import HOLDING_REPLY, HoldingReply
from handlers.blocks.text import clip
from handlers.caller import Caller
from handlers.envelopes import is_slack_url, response_hosts
from handlers.feature import Sender
from handlers.forms import answer_submission
from handlers.ids import RequestAction, RequestModal, row_id
from handlers.slack_services import SlackServices
from handlers.watcher.pacing import ChannelPacer

log = logging.getLogger(__name__)
METADATA_EVENT = "journeybot_holding_reply"
LOOK_BACK = 200
EXPIRED = holding.GONE


class HoldingMetadata(BaseModel):
    """Sealed in the modal: which request, and where to confirm (the offer's response URL)."""

    request_id: int
    response_url: str | None


def offer_blocks(request_id: int, _: Translator) -> tuple[str, list[Block]]:
    """What the taker sees (ephemeral) once the request is theirs."""
    text = _(
        "You're on it. The client doesn't know yet: you can send them a holding reply"
        " with the date they'll have an answer by."
    )
    blocks: list[Block] = [
        SectionBlock(block_id="holding-offer", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="holding-offer-actions",
            elements=[
                ButtonElement(
                    action_id=RequestAction.holding,
                    text=PlainTextObject(text=clip(_("Send a holding reply"), 75)),
                    value=str(request_id),
                )
            ],
        ),
    ]
    return text, blocks


def today_of(timezone: str | None, now: datetime) -> date:
    """The date it is for someone in `timezone` (UTC when Slack didn't say)."""
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return now.astimezone(zone).date()


def holding_modal(private_metadata: str, initial: date, _: Translator) -> View:
    """Says where the reply goes (the client's thread) before it is sent."""
    warning = _(
        ":speech_balloon: Posted in the request's thread, where the client reads it, in their"
        " language: “We've seen your message; we'll answer by …”."
    )
    blocks: list[Block] = [
        InputBlock(
            block_id=ANSWER_BY,
            label=_("The client will have an answer by"),
            element=DatePickerElement(action_id="value", initial_date=initial.isoformat()),
        ),
        ContextBlock(block_id="holding-public", elements=[MarkdownTextObject(text=warning)]),
    ]
    return View(
        type="modal",
        callback_id=RequestModal.holding,
        private_metadata=private_metadata,
        title=PlainTextObject(text=clip(_("Holding reply"), 24)),
        submit=PlainTextObject(text=clip(_("Send"), 24)),
        close=PlainTextObject(text=clip(_("Cancel"), 24)),
        blocks=blocks,
    )


async def on_holding_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    _ = await caller.translator()
    request_id = row_id(action.get("value"))
    if request_id is None:
        await respond(text=_(EXPIRED), response_type="ephemeral", replace_original=False)
        return
    timezone = services.locales.timezone(caller.workspace.team_id, caller.user_id)
    tomorrow = date.fromordinal(today_of(timezone, caller.now).toordinal() + 1)
    # The response URL comes from this click's signed body; the seal keeps it so.
    metadata = HoldingMetadata(request_id=request_id, response_url=body.get("response_url"))
    view = holding_modal(services.seal.seal(metadata), tomorrow, _)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def _picked(values: dict[str, Any]) -> date | None:
    picked = ((values.get(ANSWER_BY) or {}).get("value") or {}).get("selected_date")
    try:
        return date.fromisoformat(str(picked)) if picked else None
    except ValueError:
        return None


async def on_holding_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    metadata = services.seal.open(view.get("private_metadata"), HoldingMetadata)
    answer_by = _picked(view["state"]["values"])
    if metadata is None:
        errors = {ANSWER_BY: EXPIRED}
    else:
        _ = await caller.translator()  # also brings the sender's time zone
        timezone = services.locales.timezone(caller.workspace.team_id, caller.user_id)
        errors = await services.core.run(
            holding.send_holding_reply,
            ws=caller.workspace,
            request_id=metadata.request_id,
            user_id=caller.user_id,
            answer_by=answer_by,
            today=today_of(timezone, caller.now),
            now=caller.now,
        )
    if not await answer_submission(ack, errors, caller):
        return
    assert metadata is not None
    assert answer_by is not None
    hosts = response_hosts(services.core.settings.slack_api_url)
    if metadata.response_url and is_slack_url(metadata.response_url, hosts):
        _ = await caller.translator()
        date_text = format_date(answer_by, format="long", locale=_.locale)
        text = _(
            ":white_check_mark: Holding reply on its way: the client will read in the request's"
            " thread that they'll have an answer by {date}.",
            date=date_text,
        )
        await AsyncWebhookClient(metadata.response_url).send(text=text, replace_original=True)


def holding_metadata(payload: HoldingReply) -> dict[str, object]:
    """Tags the reply so a redelivery after a crash can see it was already posted."""
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {
            "request_id": payload.request_id,
            "by": payload.by,
            "answer_by": payload.answer_by.isoformat(),
        },
    }


def reply_text(requester: str, by: str, answer_by: date, _: Translator) -> str:
    """In the requester's language; the date as words of that language (a calendar date, so
    no time zone to convert)."""
    return _(
        "<@{requester}> We've seen your message; we'll answer by {date}. <@{by}>",
        requester=requester,
        date=format_date(answer_by, format="full", locale=_.locale),
        by=by,
    )


def build_senders(services: SlackServices, pacer: ChannelPacer) -> list[Sender[Any]]:
    core = services.core

    async def send_holding_reply(ws: Workspace, payload: HoldingReply) -> None:
        request = await core.read(usecases.request_view, ws=ws, request_id=payload.request_id)
        if request is None:
            return
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        tag = holding_metadata(payload)
        replies = await client.conversations_replies(
            channel=request.channel, ts=request.ts, include_all_metadata=True, limit=LOOK_BACK
        )
        if any(m.get("metadata") == tag for m in replies.get("messages") or []):
            log.info("request %s: holding reply already posted", request.id)
            return
        _ = await services.translator(client, ws.team_id, request.requester)
        text = reply_text(request.requester, payload.by, payload.answer_by, _)
        await pacer.post(
            request.channel,
            lambda: client.chat_postMessage(
                channel=request.channel, thread_ts=request.ts, text=text, metadata=tag
            ),
        )

    return [Sender(HOLDING_REPLY, send_holding_reply)]
