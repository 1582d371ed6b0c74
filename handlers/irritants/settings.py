"""`/journey settings`: the workspace's irritant emojis, categories and retention (admins)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.orm import Session

from bot import workspace_settings
from bot.irritants import Workspace
from bot.workspace_settings import SettingsInput
from handlers.blocks.modals import settings_modal
from handlers.commands.journey import CommandCall
from handlers.ids import IrritantField
from handlers.irritants.common import workspace_of
from handlers.irritants.forms import selected_value, text_value, translated_errors
from handlers.services import Services


async def _is_admin(client: AsyncWebClient, user_id: str) -> bool:
    user = (await client.users_info(user=user_id)).get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def settings_command(call: CommandCall) -> None:
    _ = call.translator
    ws = workspace_of(call.context, call.body)
    # Open the modal first: the trigger_id dies 3 seconds after Slack sent it.
    config = await call.runtime.run(workspace_settings.load, team_id=ws.team_id)
    if not await _is_admin(call.client, call.user_id):
        await call.ack(
            text=_("Only workspace admins and owners can change journeybot's settings."),
            response_type="ephemeral",
        )
        return
    await call.ack()
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=settings_modal(config, _))


def _save(
    session: Session, *, ws: Workspace, raw: SettingsInput, actor_id: str, now: Any
) -> dict[str, str]:
    config, errors = workspace_settings.validate(raw)
    if config is None:
        return errors
    workspace_settings.save(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        config=config,
        actor_id=actor_id,
        now=now,
    )
    return {}


async def on_settings_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    ws = workspace_of(context, body)
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    raw = SettingsInput(
        emojis=text_value(values, IrritantField.emojis) or "",
        categories=text_value(values, IrritantField.categories) or "",
        retention_days=text_value(values, IrritantField.retention_days) or "",
        resolved_mark=selected_value(values, IrritantField.resolved_mark) or "",
    )
    _ = await services.translator(client, ws.team_id, user_id)
    if not await _is_admin(client, user_id):
        await ack(
            response_action="errors",
            errors={
                IrritantField.emojis: _(
                    "Only workspace admins and owners can change journeybot's settings."
                )
            },
        )
        return
    errors = await services.runtime.run(
        _save, ws=ws, raw=raw, actor_id=user_id, now=services.runtime.clock.now()
    )
    if errors:
        await ack(response_action="errors", errors=translated_errors(errors, _))
        return
    await ack()
