"""The Slack call a due digest leads to; `handlers/digests/sender.py` makes it."""

from __future__ import annotations

from datetime import datetime

from bot.outbox import OutboxKind, Payload


class DigestDue(Payload):
    channel_id: str
    due: datetime  # the end of the week the digest covers


DIGEST = OutboxKind("weekly_digest", DigestDue)

KINDS = (DIGEST,)
