"""The home tab, declared once: its viewers' table and its refresh."""

from __future__ import annotations

from bot.features import Feature
from bot.home.outbox import KINDS
from storage.models import HomeViewer

FEATURE = Feature(name="home", tenant_tables=(HomeViewer,), outbox_kinds=KINDS)
