"""Irritants' share of the event ingest: reactions count as reports, deletions redact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.events import EventTicket, MessageEvent, ReactionEvent
from bot.irritants import config as irritant_config
from bot.irritants import rules
from bot.tenancy import Workspace


def on_reaction(
    session: Session, *, ws: Workspace, event: ReactionEvent, ticket: EventTicket, now: datetime
) -> bool:
    """A configured emoji added is a report, removed is one taken back."""
    config = irritant_config.load(session, team_id=ws.team_id)
    if event.reaction not in config.emojis or not ticket.claim():
        return False
    if event.added:
        rules.report(
            session,
            ws=ws,
            channel_id=event.channel_id,
            message_ts=event.message_ts,
            reporter_id=event.user_id,
            via=event.reaction,
            author_id=event.item_user,
            now=now,
        )
    else:
        rules.unreport(
            session,
            ws=ws,
            channel_id=event.channel_id,
            message_ts=event.message_ts,
            reporter_id=event.user_id,
            via=event.reaction,
            now=now,
        )
    return True


def on_message(
    session: Session, *, ws: Workspace, event: MessageEvent, ticket: EventTicket, now: datetime
) -> bool:
    """Only deletions matter to irritants: the copied text goes (idempotent, so no claim)."""
    if event.subtype != "message_deleted" or not event.deleted_ts:
        return False
    rules.redact_message(
        session,
        ws=ws,
        channel_id=event.channel_id,
        message_ts=event.deleted_ts,
        now=now,
        reason="deleted in Slack",
    )
    return False
