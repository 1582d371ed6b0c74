"""The home's one deferred Slack call; `handlers/home/sender.py` makes it."""

from __future__ import annotations

from bot.outbox import OutboxKind, Payload


class HomeRefresh(Payload):
    """Publish this person's home tab again: something it shows changed."""

    user_id: str


REFRESH = OutboxKind("home_refresh", HomeRefresh)

KINDS = (REFRESH,)
