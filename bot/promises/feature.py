"""Promises, declared once: what the wiring collects from this feature."""

from __future__ import annotations

from bot.features import Feature
from bot.promises.commands import PROMISES, UNWATCH, WATCH
from storage.models import MemberProfile, Promise, PromiseVersion

FEATURE = Feature(
    name="promises",
    subcommands=(WATCH, UNWATCH, PROMISES),
    tenant_tables=(PromiseVersion, Promise, MemberProfile),
)
