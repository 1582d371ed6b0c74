"""Weekly digests, declared once: what the wiring collects from this feature."""

from __future__ import annotations

from datetime import timedelta

from bot.digests import usecases
from bot.digests.commands import DIGEST
from bot.digests.outbox import KINDS
from bot.features import Feature
from bot.scheduler import Job
from storage.models import ChannelDigest

# A digest goes out at most this long after its minute: the scan reads only what is due.
SCAN_EVERY = timedelta(seconds=30)

FEATURE = Feature(
    name="digests",
    subcommands=(DIGEST,),
    tenant_tables=(ChannelDigest,),
    jobs=(Job("weekly-digests", SCAN_EVERY, usecases.send_due_digests),),
    outbox_kinds=KINDS,
)
