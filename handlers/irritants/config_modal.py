"""`/journey settings`: the workspace's irritant emojis, categories and retention (admins)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import N_
from bot.irritants import usecases
from bot.irritants.config import SettingsInput
from handlers.blocks.modals import settings_modal
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import IrritantField
from handlers.slack_services import SlackServices

ADMINS_ONLY = N_("Only workspace admins and owners can change journeybot's settings.")


async def settings_command(call: CommandCall) -> None:
    _ = call.translator
    # The admin flags came with the language lookup (one cached users.info): no other Slack
    # call and no database read before the ack.
    if not await call.services.locales.is_admin(call.client, call.workspace.team_id, call.user_id):
        await call.ack(text=_(ADMINS_ONLY), response_type="ephemeral")
        return
    await call.ack()
    config = await call.core.read(usecases.workspace_config, ws=call.workspace)
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=settings_modal(config, _))


async def on_settings_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    values = view["state"]["values"]
    given = SettingsInput(
        emojis=text_value(values, IrritantField.emojis) or "",
        categories=text_value(values, IrritantField.categories) or "",
        retention_days=text_value(values, IrritantField.retention_days) or "",
        resolved_mark=selected_value(values, IrritantField.resolved_mark) or "",
    )
    errors: dict[str, str]
    if not await services.locales.is_admin(client, caller.workspace.team_id, caller.user_id):
        errors = {IrritantField.emojis: ADMINS_ONLY}
    else:
        errors = await services.core.run(
            usecases.save_config,
            ws=caller.workspace,
            given=given,
            actor_id=caller.user_id,
            now=caller.now,
        )
    await answer_submission(ack, errors, caller)
