"""`/journey settings`: the channel's language and time zone (its members), the workspace's
defaults and irritant settings (workspace admins; others see them read-only)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import N_
from bot.irritants.config import SettingsInput
from bot.irritants.settings_form import LocaleInput, save_settings, settings_form
from handlers.blocks.settings import settings_modal
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import IrritantField
from handlers.slack_services import SlackServices

EXPIRED = N_("This form is out of date; close it and open it again.")


class SettingsMetadata(BaseModel):
    """Sealed: the channel the command was typed in (from Slack's signed command body)."""

    channel_id: str | None


def _channel_of(call: CommandCall) -> str | None:
    channel = call.channel_id
    # A DM has no audience to speak to: nothing there to set.
    return channel if channel and channel[0] in "CG" else None


async def settings_command(call: CommandCall) -> None:
    await call.ack()
    _ = call.translator
    channel_id = _channel_of(call)
    is_admin = await call.services.locales.is_admin(
        call.client, call.workspace.team_id, call.user_id
    )
    form = await call.core.read(settings_form, ws=call.workspace, channel_id=channel_id)
    view = settings_modal(
        private_metadata=call.services.seal.seal(SettingsMetadata(channel_id=channel_id)),
        channel_id=channel_id,
        channel=form.channel or form.workspace,
        workspace=form.workspace,
        config=form.config,
        is_admin=is_admin,
        _=_,
    )
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


def _locale(values: dict[str, Any], locale_field: str, zone_field: str) -> LocaleInput | None:
    locale = selected_value(values, locale_field)
    zone = text_value(values, zone_field)
    if locale is None and zone is None:
        return None
    return LocaleInput(locale=locale or "", time_zone=zone or "")


async def on_settings_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    values = view["state"]["values"]
    metadata = services.seal.open(view.get("private_metadata"), SettingsMetadata)
    if metadata is None:
        await answer_submission(ack, {IrritantField.channel_locale: EXPIRED}, caller)
        return
    is_admin = await services.locales.is_admin(client, caller.workspace.team_id, caller.user_id)
    irritants: SettingsInput | None = None
    workspace: LocaleInput | None = None
    if is_admin:  # fields a non-admin's modal never had are ignored if a client adds them
        workspace = _locale(
            values, IrritantField.workspace_locale, IrritantField.workspace_time_zone
        )
        if text_value(values, IrritantField.emojis) is not None:
            irritants = SettingsInput(
                emojis=text_value(values, IrritantField.emojis) or "",
                categories=text_value(values, IrritantField.categories) or "",
                retention_days=text_value(values, IrritantField.retention_days) or "",
                resolved_mark=selected_value(values, IrritantField.resolved_mark) or "",
            )
    errors = await services.core.run(
        save_settings,
        ws=caller.workspace,
        channel_id=metadata.channel_id,
        channel=_locale(values, IrritantField.channel_locale, IrritantField.channel_time_zone)
        if metadata.channel_id
        else None,
        workspace=workspace,
        irritants=irritants,
        actor_id=caller.user_id,
        now=caller.now,
    )
    await answer_submission(ack, errors, caller)
