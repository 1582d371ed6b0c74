"""The Slack calls an irritant decision leads to; `handlers/irritants/senders.py` makes them."""

from __future__ import annotations

from bot.outbox import OutboxKind, Payload


class IrritantRef(Payload):
    irritant_id: int


class ReportConfirmation(Payload):
    irritant_id: int
    channel_id: str
    user_id: str


class ResolutionNotice(Payload):
    irritant_id: int
    user_id: str


FETCH_MESSAGE = OutboxKind("fetch_message", IrritantRef)
CONFIRM_REPORT = OutboxKind("confirm_report", ReportConfirmation)
NOTIFY_RESOLVED = OutboxKind("notify_resolved", ResolutionNotice)
MARK_RESOLVED = OutboxKind("mark_resolved", IrritantRef)
UNMARK_RESOLVED = OutboxKind("unmark_resolved", IrritantRef)

KINDS = (FETCH_MESSAGE, CONFIRM_REPORT, NOTIFY_RESOLVED, MARK_RESOLVED, UNMARK_RESOLVED)
