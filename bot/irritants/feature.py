"""Irritants, declared once: what the wiring collects from this feature."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.features import Feature
from bot.irritants import capture
from bot.irritants.commands import EXPORT, IRRITANTS, SETTINGS
from bot.irritants.outbox import KINDS
from bot.irritants.retention import apply_retention
from bot.scheduler import Job
from storage.models import (
    Irritant,
    IrritantEvent,
    IrritantNote,
    IrritantVote,
    WorkspaceSettings,
)


def _retention(session: Session, now: datetime) -> dict[str, int]:
    return apply_retention(session, now=now)


FEATURE = Feature(
    name="irritants",
    subcommands=(IRRITANTS, EXPORT, SETTINGS),
    tenant_tables=(IrritantEvent, IrritantNote, IrritantVote, Irritant, WorkspaceSettings),
    jobs=(Job("irritant-retention", timedelta(hours=6), _retention),),
    on_reaction=(capture.on_reaction,),
    on_message=(capture.on_message,),
    outbox_kinds=KINDS,
)
