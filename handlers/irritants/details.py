"""The message shortcut, the "Add details" and "Undo" buttons, and the details modal."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import N_
from bot.irritants import usecases
from bot.irritants.rules import IrritantError
from bot.irritants.usecases import DetailsInput, ReportedMessage
from bot.journeys.links import MOMENT_FIELD, edit_details_and_link, moment_links
from handlers.blocks.modals import details_modal
from handlers.caller import Caller
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import IrritantField, IrritantView, row_id
from handlers.irritants.readers import irritant_reader
from handlers.slack_services import SlackServices

# Keep private_metadata (3000 chars max) well inside its limit, JSON escaping and seal included.
METADATA_TEXT_LIMIT = 1000
GONE = N_("This irritant no longer exists.")
EXPIRED = N_("This form is out of date; close it and open it again.")


class DetailsMetadata(BaseModel):
    """What the details modal remembers: a new report (with its message) or an edit."""

    mode: Literal["report", "edit"]
    irritant_id: int | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None
    author_id: str | None = None
    text: str | None = None  # None when too long to carry: the outbox fetches it


async def on_report_shortcut(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    message = body.get("message") or {}
    _ = await caller.translator()
    if message.get("bot_id") or (
        message.get("user") and message.get("user") == context.bot_user_id
    ):
        await respond(
            text=_("Messages from apps and bots can't be reported as irritants."),
            response_type="ephemeral",
        )
        return
    config = await services.core.read(usecases.workspace_config, ws=caller.workspace)
    text = str(message.get("text") or "")
    metadata = DetailsMetadata(
        mode="report",
        channel_id=(body.get("channel") or {}).get("id"),
        message_ts=body.get("message_ts") or message.get("ts"),
        thread_ts=message.get("thread_ts"),
        author_id=message.get("user"),
        text=text if len(text) <= METADATA_TEXT_LIMIT else None,
    )
    view = details_modal(
        callback_id=IrritantView.details,
        private_metadata=services.seal.seal(metadata),
        categories=config.categories,
        excerpt=text or None,
        category=None,
        severity=None,
        note=None,
        _=_,
        report=True,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_details_button(
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
    try:
        irritant_id = int(action["value"])
    except ValueError:
        raise IrritantError(GONE) from None
    # A rule's refusal (gone, or not the reader's to see) reaches the person through the
    # error handler.
    audience = await irritant_reader(services, client, caller)
    form = await services.core.read(
        usecases.details_form, ws=caller.workspace, irritant_id=irritant_id, audience=audience
    )
    links = await services.core.read(moment_links, ws=caller.workspace, irritant_id=irritant_id)
    view = details_modal(
        callback_id=IrritantView.details,
        private_metadata=services.seal.seal(DetailsMetadata(mode="edit", irritant_id=irritant_id)),
        categories=form.categories,
        excerpt=form.excerpt,
        category=form.category,
        severity=form.severity,
        note=form.note,
        _=_,
        moments=[(option.id, option.label) for option in links.options],
        moment_id=links.current,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_undo_button(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    _ = await caller.translator()
    try:
        await services.core.run(
            usecases.retract,
            ws=caller.workspace,
            irritant_id=int(action["value"]),
            reporter_id=caller.user_id,
            now=caller.now,
        )
    except (ValueError, IrritantError):
        await respond(text=_(GONE), replace_original=True)
        return
    await respond(
        text=_(
            "Your report was taken back. Your reaction stays on the message; remove it if you like."
        ),
        replace_original=True,
    )


def _moment(values: dict[str, Any]) -> int | None:
    """The moment picked in the modal; None for "No moment" or when none was offered."""
    picked = selected_value(values, MOMENT_FIELD)
    return row_id(picked)


async def on_details_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    values = view["state"]["values"]
    given = DetailsInput(
        category=selected_value(values, IrritantField.category),
        severity=selected_value(values, IrritantField.severity),
        note=text_value(values, IrritantField.note),
    )
    metadata = services.seal.open(view.get("private_metadata"), DetailsMetadata)
    errors: dict[str, str]
    try:
        if metadata is None:
            errors = {IrritantField.note: EXPIRED}
        elif metadata.mode == "edit" and metadata.irritant_id is not None:
            errors = await services.core.run(
                edit_details_and_link,
                ws=caller.workspace,
                irritant_id=metadata.irritant_id,
                given=given,
                moment_id=_moment(values),
                actor_id=caller.user_id,
                now=caller.now,
                audience=await irritant_reader(services, client, caller),
            )
        elif metadata.mode == "report" and metadata.channel_id and metadata.message_ts:
            message = ReportedMessage(
                channel_id=metadata.channel_id,
                message_ts=metadata.message_ts,
                thread_ts=metadata.thread_ts,
                author_id=metadata.author_id,
                text=metadata.text,
            )
            errors = await services.core.run(
                usecases.report_with_details,
                ws=caller.workspace,
                message=message,
                given=given,
                reporter_id=caller.user_id,
                now=caller.now,
            )
        else:
            errors = {IrritantField.note: N_("Slack did not say which message this is; try again.")}
    except IrritantError as error:
        errors = {IrritantField.note: error.message}
    await answer_submission(ack, errors, caller)
