"""The promise watcher, declared once: what the wiring collects from this feature."""

from __future__ import annotations

from datetime import timedelta

from bot.features import Feature
from bot.scheduler import Job
from bot.watcher import capture, due, pause, usecases
from bot.watcher.commands import REQUESTS
from bot.watcher.outbox import KINDS
from storage.models import ClientRequest

# How often the scheduler looks for due nudges and escalations: alerts go out at most this
# long after they fall due, plus the tick's own work (the tick that decides one wakes the
# outbox relay). A tick that finds nothing due is one read of a partial index, without a
# write lock, so twice a second costs little; it keeps a burst's first alert within about a
# second of its due time even when the machine is loaded.
SCAN_EVERY = timedelta(milliseconds=500)

FEATURE = Feature(
    name="watcher",
    subcommands=(REQUESTS,),
    tenant_tables=(ClientRequest,),
    jobs=(
        Job("request-alerts", SCAN_EVERY, due.scan),
        Job("request-retention", timedelta(hours=6), usecases.apply_retention),
    ),
    on_reaction=(capture.on_reaction,),
    on_message=(capture.on_message,),
    outbox_kinds=KINDS,
    on_bot_presence=(pause.on_bot_presence,),
)
