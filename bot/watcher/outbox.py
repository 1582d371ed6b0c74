"""The Slack calls the watcher decides on; `handlers/watcher/senders.py` makes them."""

from __future__ import annotations

from typing import Literal

from bot.outbox import OutboxKind, Payload


class RequestAlert(Payload):
    """A nudge or an escalation about one request.

    Who it mentions is decided when it is sent (who is at work, in Do Not Disturb), starting
    at the `turn`-th person present, so successive alerts take turns.
    """

    request_id: int
    action: Literal["nudge", "escalate"]
    turn: int


class OwnerNotice(Payload):
    """The watch's owner told in a DM that a request went past the promise."""

    request_id: int
    owner: str


class TakenNotice(Payload):
    """The alert updated once someone took the request (or said it is not one)."""

    request_id: int
    channel_id: str
    message_ts: str
    user_id: str
    outcome: Literal["taken", "dismissed", "restored"]


ALERT = OutboxKind("request_alert", RequestAlert)
OWNER_NOTICE = OutboxKind("request_owner_notice", OwnerNotice)
UPDATE_ALERT = OutboxKind("request_alert_update", TakenNotice)

KINDS = (ALERT, OWNER_NOTICE, UPDATE_ALERT)
