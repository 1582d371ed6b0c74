"""Capture by reaction; votes removed with the reaction; text redacted when Slack deletes it.

Each listener runs before Bolt answers Slack (process_before_response): the event is claimed
in the inbox and its effect written in one transaction, so a 200 means "kept" and a crash
before commit means a non-2xx and a retry from Slack.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from sqlalchemy.orm import Session

from bot import irritants, workspace_settings
from bot.irritants import Workspace
from handlers.irritants.common import base_emoji, workspace_of
from handlers.services import Services
from storage.repositories import inbox

log = logging.getLogger(__name__)


def _record_reaction(
    session: Session,
    *,
    ws: Workspace,
    event_id: str,
    event: dict[str, Any],
    added: bool,
    now: datetime,
) -> str:
    config = workspace_settings.load(session, team_id=ws.team_id)
    emoji = base_emoji(str(event.get("reaction", "")))
    if emoji not in config.emojis:
        return "not-an-irritant-emoji"
    if not inbox.claim_event(
        session, team_id=ws.team_id, event_id=event_id, event_type=str(event["type"]), now=now
    ):
        return "duplicate"
    item = event["item"]
    if added:
        irritants.report(
            session,
            ws=ws,
            channel_id=item["channel"],
            message_ts=item["ts"],
            reporter_id=event["user"],
            via=emoji,
            author_id=event.get("item_user"),
            now=now,
        )
        return "reported"
    irritants.unreport(
        session,
        ws=ws,
        channel_id=item["channel"],
        message_ts=item["ts"],
        reporter_id=event["user"],
        via=emoji,
        now=now,
    )
    return "unreported"


def _ignored(event: dict[str, Any], context: AsyncBoltContext) -> str | None:
    """Why a reaction is quietly ignored (documented in docs/irritants.md), or None."""
    item = event.get("item") or {}
    if item.get("type") != "message":
        return "not a message"  # files and file comments have no text to capture
    if str(item.get("channel", "")).startswith("D"):
        return "direct message"  # private conversations are not client channels
    if event.get("item_user") and event.get("item_user") == context.bot_user_id:
        return "the bot's own message"
    if not event.get("user") or not item.get("ts") or not item.get("channel"):
        return "incomplete event"
    return None


async def _on_reaction(
    body: dict[str, Any],
    event: dict[str, Any],
    context: AsyncBoltContext,
    services: Services,
    *,
    added: bool,
) -> None:
    reason = _ignored(event, context)
    if reason is not None:
        log.debug("reaction ignored: %s", reason)
        return
    ws = workspace_of(context, body)
    outcome = await services.runtime.run(
        _record_reaction,
        ws=ws,
        event_id=str(body.get("event_id") or ""),
        event=event,
        added=added,
        now=services.runtime.clock.now(),
    )
    if outcome in ("reported", "unreported"):
        services.wake_outbox()


async def on_reaction_added(
    body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, services: Services
) -> None:
    await _on_reaction(body, event, context, services, added=True)


async def on_reaction_removed(
    body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, services: Services
) -> None:
    await _on_reaction(body, event, context, services, added=False)


async def on_message_event(
    body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, services: Services
) -> None:
    """Only deletions matter to irritants (other features fan out from here later)."""
    if event.get("subtype") != "message_deleted":
        return
    ws = workspace_of(context, body)
    deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
    channel_id = event.get("channel")
    if not deleted_ts or not channel_id:
        return
    await services.runtime.run(
        irritants.redact_message,
        ws=ws,
        channel_id=str(channel_id),
        message_ts=str(deleted_ts),
        now=services.runtime.clock.now(),
        reason="deleted in Slack",
    )
