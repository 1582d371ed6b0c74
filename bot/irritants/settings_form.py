"""`/journey settings`: what the modal shows, and saving what it sent.

Any member sets their channel's language and time zone; the workspace's defaults and the
irritant settings are for workspace admins (the handler tells us who is one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import channel_locale as locales
from bot.channel_locale import ChannelLocale
from bot.irritants import config as irritant_config
from bot.irritants.config import IrritantConfig, SettingsInput
from bot.tenancy import Workspace


@dataclass(frozen=True)
class SettingsForm:
    channel: ChannelLocale | None  # None outside a channel (a DM)
    workspace: ChannelLocale
    config: IrritantConfig


def settings_form(session: Session, *, ws: Workspace, channel_id: str | None) -> SettingsForm:
    return SettingsForm(
        channel=locales.channel_locale(session, ws=ws, channel_id=channel_id)
        if channel_id
        else None,
        workspace=locales.workspace_locale(session, ws=ws),
        config=irritant_config.load(session, team_id=ws.team_id),
    )


@dataclass(frozen=True)
class LocaleInput:
    locale: str
    time_zone: str


def save_settings(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str | None,
    channel: LocaleInput | None,
    workspace: LocaleInput | None,
    irritants: SettingsInput | None,
    actor_id: str,
    now: datetime,
) -> dict[str, str]:
    """Everything or nothing: {field: msgid} (fields prefixed channel_/workspace_ for the
    locales) and nothing written when anything is wrong."""
    errors: dict[str, str] = {}
    for prefix, given in (("channel_", channel), ("workspace_", workspace)):
        if given is not None:
            problems = locales.validate(given.locale, given.time_zone.strip())
            errors.update({prefix + field: msgid for field, msgid in problems.items()})
    config: IrritantConfig | None = None
    if irritants is not None:
        config, problems = irritant_config.validate(irritants)
        errors.update(problems)
    if errors:
        return errors
    if channel is not None and channel_id:
        locales.save_channel_locale(
            session,
            ws=ws,
            channel_id=channel_id,
            locale=channel.locale,
            time_zone=channel.time_zone,
            actor_id=actor_id,
            now=now,
        )
    if workspace is not None:
        locales.save_workspace_locale(
            session,
            ws=ws,
            locale=workspace.locale,
            time_zone=workspace.time_zone,
            actor_id=actor_id,
            now=now,
        )
    if config is not None:
        irritant_config.save(
            session,
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            config=config,
            actor_id=actor_id,
            now=now,
        )
    return {}
