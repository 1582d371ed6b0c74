"""The language and time zone of what the bot posts publicly in a channel.

A channel's members choose them (`/journey settings` in the channel); otherwise the
workspace's, which an admin chooses; otherwise English and UTC. Everything posted in a
channel for all to read (the resolved reply, exercise messages, nudges, digests) uses
`channel_locale`; what goes to one person (an ephemeral, a DM, a modal) stays in that
person's own language and time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from bot.i18n import N_, SUPPORTED_LOCALES
from bot.tenancy import Workspace
from storage.repositories import channels as repo

DEFAULT_LOCALE = "en"
DEFAULT_TIME_ZONE = "UTC"
WORKSPACE = ""  # the workspace's own row in locale_settings


@dataclass(frozen=True)
class ChannelLocale:
    locale: str
    time_zone: str
    source: str  # "channel", "workspace" or "default": where the choice comes from

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def channel_locale(session: Session, *, ws: Workspace, channel_id: str) -> ChannelLocale:
    """What the bot speaks when it posts publicly in `channel_id`."""
    rows = repo.locale_settings(session, team_id=ws.team_id, channel_ids=[channel_id, WORKSPACE])
    for key, source in ((channel_id, "channel"), (WORKSPACE, "workspace")):
        row = rows.get(key)
        if row is not None:
            return ChannelLocale(row.locale, row.time_zone, source)
    return ChannelLocale(DEFAULT_LOCALE, DEFAULT_TIME_ZONE, "default")


def workspace_locale(session: Session, *, ws: Workspace) -> ChannelLocale:
    row = repo.locale_settings(session, team_id=ws.team_id, channel_ids=[WORKSPACE]).get(WORKSPACE)
    if row is None:
        return ChannelLocale(DEFAULT_LOCALE, DEFAULT_TIME_ZONE, "default")
    return ChannelLocale(row.locale, row.time_zone, "workspace")


LOCALE_ERROR = N_("Choose English or French.")
TIME_ZONE_ERROR = N_("I don't know this time zone: use a name like Europe/Paris or UTC.")


def validate(locale: str, time_zone: str) -> dict[str, str]:
    """{field: msgid} for what's wrong, or {}."""
    errors: dict[str, str] = {}
    if locale not in SUPPORTED_LOCALES:
        errors["locale"] = LOCALE_ERROR
    if time_zone != DEFAULT_TIME_ZONE and time_zone not in available_timezones():
        errors["time_zone"] = TIME_ZONE_ERROR
    else:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = TIME_ZONE_ERROR
    return errors


def save_channel_locale(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    locale: str,
    time_zone: str,
    actor_id: str,
    now: datetime,
) -> dict[str, str]:
    """A channel's choice (`channel_id` "" is the workspace's: callers check it's an admin)."""
    errors = validate(locale, time_zone.strip())
    if errors:
        return errors
    repo.save_locale_setting(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        channel_id=channel_id,
        locale=locale,
        time_zone=time_zone.strip(),
        actor_id=actor_id,
        now=now,
    )
    return {}


def save_workspace_locale(
    session: Session, *, ws: Workspace, locale: str, time_zone: str, actor_id: str, now: datetime
) -> dict[str, str]:
    return save_channel_locale(
        session,
        ws=ws,
        channel_id=WORKSPACE,
        locale=locale,
        time_zone=time_zone,
        actor_id=actor_id,
        now=now,
    )
