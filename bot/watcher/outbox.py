"""The Slack calls the watcher decides on; `handlers/watcher/senders.py` makes them."""

from __future__ import annotations

from datetime import date
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


class PauseNotice(Payload):
    """The watch's owner told in a DM that the watch is paused: the bot is out of a channel."""

    owner: str
    watched_channel: str
    missing_channel: str  # where the bot must be invited back
    reason: str  # `channel_left`, `not_in_channel`, `is_archived`, `channel_not_found`…


class ResumeNotice(Payload):
    """The watch's owner told in a DM that the watch is back on."""

    owner: str
    watched_channel: str
    channel: str  # the channel the bot was invited back to
    missed: int  # open requests whose alert fell due during the pause (not sent late)


class HoldingReply(Payload):
    """A reply in the request's thread telling the client when they will have an answer."""

    request_id: int
    by: str  # who sent it (the person who took the request)
    answer_by: date


ALERT = OutboxKind("request_alert", RequestAlert)
OWNER_NOTICE = OutboxKind("request_owner_notice", OwnerNotice)
UPDATE_ALERT = OutboxKind("request_alert_update", TakenNotice)

WATCH_PAUSED = OutboxKind("watch_paused", PauseNotice)
WATCH_RESUMED = OutboxKind("watch_resumed", ResumeNotice)

HOLDING_REPLY = OutboxKind("request_holding_reply", HoldingReply)

KINDS = (ALERT, OWNER_NOTICE, UPDATE_ALERT, WATCH_PAUSED, WATCH_RESUMED, HOLDING_REPLY)
