"""What a workspace's admins can configure, its defaults and its validation rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import N_, Message
from storage.enums import ResolvedMark
from storage.models import WorkspaceSettings
from storage.repositories import workspaces as repo

DEFAULT_EMOJIS = ("irritant", "rage")
DEFAULT_CATEGORIES = ("delay", "communication", "quality", "billing", "process", "other")
DEFAULT_RETENTION_DAYS = 180
RESOLVED_MARKS = tuple(mark.value for mark in ResolvedMark)
EMOJI_NAME = re.compile(r"^[a-z0-9_+'\-]{1,100}$")
MAX_EMOJIS = 10
MAX_CATEGORIES = 20
MAX_CATEGORY_LENGTH = 40
RETENTION_RANGE = (1, 3650)


@dataclass(frozen=True)
class IrritantConfig:
    emojis: tuple[str, ...] = DEFAULT_EMOJIS
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    retention_days: int = DEFAULT_RETENTION_DAYS
    resolved_mark: str = "reaction"


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


CACHE_KEY = "irritant_config"


def load(session: Session, *, team_id: str) -> IrritantConfig:
    """The workspace's configuration, read once per transaction.

    A batch of events in one transaction asks for it once per event; the copy is kept in the
    session's own `info`, so it never outlives the transaction that read it.
    """
    cache: dict[str, IrritantConfig] = session.info.setdefault(CACHE_KEY, {})
    if team_id in cache:
        return cache[team_id]
    row = repo.get_settings(session, team_id=team_id)
    config = (
        IrritantConfig()
        if row is None
        else IrritantConfig(
            emojis=tuple(row.irritant_emojis),
            categories=tuple(row.categories),
            retention_days=row.retention_days,
            resolved_mark=row.resolved_mark,
        )
    )
    cache[team_id] = config
    return config


@dataclass(frozen=True)
class SettingsInput:
    """What the admin typed, before validation."""

    emojis: str
    categories: str
    retention_days: str
    resolved_mark: str


def validate(raw: SettingsInput) -> tuple[IrritantConfig | None, dict[str, str]]:
    """(config, {}) when valid, else (None, {field: msgid}) — nothing is saved on error."""
    errors: dict[str, str] = {}
    emojis = [name.strip(":").lower() for name in _split(raw.emojis)]
    if not emojis:
        errors["emojis"] = N_("Give at least one emoji name.")
    elif len(emojis) > MAX_EMOJIS:
        errors["emojis"] = N_("At most 10 emoji names.")
    elif not all(EMOJI_NAME.match(name) for name in emojis):
        bad = next(name for name in emojis if not EMOJI_NAME.match(name))
        errors["emojis"] = Message(
            N_(
                "“{value}” isn't an emoji name: use lowercase letters, digits, - and _ "
                "(like rage or thumbsup)."
            ),
            value=bad[:40],
        )
    categories = _split(raw.categories)
    if not categories:
        errors["categories"] = N_("Give at least one category.")
    elif len(categories) > MAX_CATEGORIES:
        errors["categories"] = N_("At most 20 categories.")
    elif any(len(name) > MAX_CATEGORY_LENGTH for name in categories):
        errors["categories"] = N_("A category name is at most 40 characters.")
    elif len({name.casefold() for name in categories}) != len(categories):
        errors["categories"] = N_("Each category must appear once.")
    retention: int | None = None
    try:
        retention = int(raw.retention_days.strip())
    except ValueError:
        errors["retention_days"] = N_("Enter a whole number of days between 1 and 3650.")
    else:
        if not RETENTION_RANGE[0] <= retention <= RETENTION_RANGE[1]:
            errors["retention_days"] = N_("Enter a whole number of days between 1 and 3650.")
    if raw.resolved_mark not in RESOLVED_MARKS:
        errors["resolved_mark"] = N_("Choose how resolved messages are marked.")
    if errors or retention is None:
        return None, errors
    unique_emojis = tuple(dict.fromkeys(emojis))
    return IrritantConfig(unique_emojis, tuple(categories), retention, raw.resolved_mark), {}


def save(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    config: IrritantConfig,
    actor_id: str,
    now: datetime,
) -> None:
    session.info.get(CACHE_KEY, {}).pop(team_id, None)
    repo.save_settings(
        session,
        WorkspaceSettings(
            team_id=team_id,
            enterprise_id=enterprise_id,
            irritant_emojis=list(config.emojis),
            categories=list(config.categories),
            retention_days=config.retention_days,
            resolved_mark=ResolvedMark(config.resolved_mark),
            updated_at=now,
            updated_by=actor_id,
        ),
    )
