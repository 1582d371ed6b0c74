"""The message shortcut, the "Add details" and "Undo" buttons, and the details modal."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.orm import Session

from bot import irritants, workspace_settings
from bot.i18n import N_
from bot.irritants import IrritantError, Workspace
from handlers.blocks.modals import details_modal
from handlers.ids import IrritantField, IrritantView
from handlers.irritants.common import workspace_of
from handlers.irritants.forms import selected_value, text_value, translated_errors
from handlers.services import Services

# Keep private_metadata (3000 chars max) well inside its limit, JSON escaping included.
METADATA_TEXT_LIMIT = 1200


def _edit_context(session: Session, *, ws: Workspace, irritant_id: int) -> dict[str, Any]:
    irritant = irritants.get(session, ws=ws, irritant_id=irritant_id)
    config = workspace_settings.load(session, team_id=ws.team_id)
    return {
        "categories": config.categories,
        "excerpt": irritant.message_text,
        "category": irritant.category,
        "severity": irritant.severity,
        "note": irritant.note,
    }


async def on_report_shortcut(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    ws = workspace_of(context, body)
    message = body.get("message") or {}
    _ = await services.translator(client, ws.team_id, body["user"]["id"])
    if message.get("bot_id") or (
        message.get("user") and message.get("user") == context.bot_user_id
    ):
        await respond(
            text=_("Messages from apps and bots can't be reported as irritants."),
            response_type="ephemeral",
        )
        return
    config = await services.runtime.run(workspace_settings.load, team_id=ws.team_id)
    text = str(message.get("text") or "")
    metadata = {
        "m": "report",
        "ch": (body.get("channel") or {}).get("id"),
        "ts": body.get("message_ts") or message.get("ts"),
        "th": message.get("thread_ts"),
        "au": message.get("user"),
        "tx": text[:METADATA_TEXT_LIMIT],
        "full": len(text) <= METADATA_TEXT_LIMIT,
    }
    view = details_modal(
        callback_id=IrritantView.details,
        private_metadata=json.dumps(metadata, separators=(",", ":")),
        categories=config.categories,
        excerpt=text or None,
        category=None,
        severity=None,
        note=None,
        _=_,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_details_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    ws = workspace_of(context, body)
    _ = await services.translator(client, ws.team_id, body["user"]["id"])
    try:
        irritant_id = int(action["value"])
        current = await services.runtime.run(_edit_context, ws=ws, irritant_id=irritant_id)
    except (ValueError, IrritantError) as error:
        message = (
            error.message
            if isinstance(error, IrritantError)
            else N_("This irritant no longer exists.")
        )
        await respond(text=_(message), response_type="ephemeral", replace_original=False)
        return
    view = details_modal(
        callback_id=IrritantView.details,
        private_metadata=json.dumps({"m": "edit", "id": irritant_id}),
        _=_,
        **current,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_undo_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    ws = workspace_of(context, body)
    _ = await services.translator(client, ws.team_id, body["user"]["id"])
    try:
        await services.runtime.run(
            irritants.retract,
            ws=ws,
            irritant_id=int(action["value"]),
            reporter_id=body["user"]["id"],
            now=services.runtime.clock.now(),
        )
    except (ValueError, IrritantError):
        await respond(text=_("This irritant no longer exists."), replace_original=True)
        return
    await respond(
        text=_(
            "Your report was taken back. Your reaction stays on the message; remove it if you like."
        ),
        replace_original=True,
    )


def _save_details(
    session: Session,
    *,
    ws: Workspace,
    metadata: dict[str, Any],
    values: dict[str, Any],
    user_id: str,
    now: Any,
) -> dict[str, str]:
    """Validate and write in one go; {block_id: msgid} and nothing written on error."""
    config = workspace_settings.load(session, team_id=ws.team_id)
    details, errors = irritants.validate_details(
        selected_value(values, IrritantField.category),
        selected_value(values, IrritantField.severity),
        text_value(values, IrritantField.note),
        config.categories,
    )
    if details is None:
        return errors
    if metadata.get("m") == "edit":
        irritants.update_details(
            session,
            ws=ws,
            irritant_id=int(metadata["id"]),
            details=details,
            actor_id=user_id,
            now=now,
        )
        return {}
    channel_id, message_ts = metadata.get("ch"), metadata.get("ts")
    if not channel_id or not message_ts:
        return {IrritantField.note: N_("Slack did not say which message this is; try again.")}
    irritants.report(
        session,
        ws=ws,
        channel_id=str(channel_id),
        message_ts=str(message_ts),
        reporter_id=user_id,
        via=irritants.SHORTCUT,
        now=now,
        thread_ts=metadata.get("th"),
        author_id=metadata.get("au"),
        text=metadata.get("tx") if metadata.get("full") else None,
        details=details,
        confirm=False,
    )
    return {}


async def on_details_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    ws = workspace_of(context, body)
    user_id = body["user"]["id"]
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
        errors = await services.runtime.run(
            _save_details,
            ws=ws,
            metadata=metadata,
            values=view["state"]["values"],
            user_id=user_id,
            now=services.runtime.clock.now(),
        )
    except IrritantError as error:
        errors = {IrritantField.note: error.message}
    if errors:
        _ = await services.translator(client, ws.team_id, user_id)
        await ack(response_action="errors", errors=translated_errors(errors, _))
        return
    await ack()
    services.wake_outbox()
