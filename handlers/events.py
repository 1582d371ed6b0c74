"""The one entry for `message` and reaction events, fanned out to every subscribed feature.

Bolt runs only the first listener that matches an event type, so each type has exactly one
listener here. It parses the event into a plain value (`bot.events`), then runs every
feature's subscriber in one transaction before Bolt answers Slack (process_before_response):
a 200 means the effects are stored, a failure means a non-2xx and Slack's retry, and the
inbox claim makes the retry a no-op.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.events import MessageEvent, ReactionEvent
from handlers.caller import Caller
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)


def event_key(body: dict[str, Any], event: dict[str, Any]) -> str:
    """Slack's `event_id`; without one, a key stable across Slack's redeliveries."""
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return event_id
    item = event.get("item") if isinstance(event.get("item"), dict) else {}
    parts = (
        event.get("type"),
        event.get("event_ts") or event.get("ts"),
        event.get("channel") or (item or {}).get("channel"),
        event.get("user"),
        event.get("reaction"),
    )
    return "nokey:" + ":".join(str(part or "") for part in parts)[:57]


def base_emoji(reaction: str) -> str:
    """`rage::skin-tone-2` is still `rage`."""
    return reaction.split("::", 1)[0]


def parse_reaction(
    body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None
) -> ReactionEvent | None:
    """The reaction as a value, or None when no feature should see it (logged at debug)."""
    item = event.get("item")
    reason = None
    if not isinstance(item, dict) or item.get("type") != "message":
        reason = "not a message"  # files and file comments have no text to capture
    elif str(item.get("channel", "")).startswith("D"):
        reason = "direct message"  # private conversations are not client channels
    elif event.get("item_user") and event.get("item_user") == bot_user_id:
        reason = "the bot's own message"
    elif (
        not all(isinstance(v, str) and v for v in (event.get("user"), item.get("ts")))
        or not isinstance(item.get("channel"), str)
        or not item.get("channel")
    ):
        reason = "incomplete event"
    if reason is not None:
        log.debug("reaction ignored: %s", reason)
        return None
    assert isinstance(item, dict)
    item_user = event.get("item_user")
    return ReactionEvent(
        key=event_key(body, event),
        kind=str(event.get("type")),
        user_id=str(event["user"]),
        reaction=base_emoji(str(event.get("reaction", ""))),
        channel_id=str(item["channel"]),
        message_ts=str(item["ts"]),
        item_user=item_user if isinstance(item_user, str) else None,
    )


def parse_message(body: dict[str, Any], event: dict[str, Any]) -> MessageEvent | None:
    channel = event.get("channel")
    if not isinstance(channel, str) or not channel:
        return None
    previous = event.get("previous_message")
    deleted_ts = event.get("deleted_ts") or (
        previous.get("ts") if isinstance(previous, dict) else None
    )

    def text_or_none(value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    return MessageEvent(
        key=event_key(body, event),
        kind="message",
        subtype=text_or_none(event.get("subtype")),
        channel_id=channel,
        ts=str(event.get("ts") or ""),
        user_id=text_or_none(event.get("user")),
        thread_ts=text_or_none(event.get("thread_ts")),
        deleted_ts=text_or_none(deleted_ts),
        text=text_or_none(event.get("text")),
        bot_id=text_or_none(event.get("bot_id")),
        user_team=text_or_none(event.get("user_team")),
    )


async def on_reaction(
    body: dict[str, Any],
    event: dict[str, Any],
    context: AsyncBoltContext,
    services: SlackServices,
    caller: Caller,
) -> None:
    parsed = parse_reaction(body, event, context.bot_user_id)
    subscribers = services.core.features.reaction_subscribers
    if parsed is None or not subscribers:
        return
    enqueued = await services.ingest.submit(
        ws=caller.workspace, event=parsed, subscribers=subscribers, now=caller.now
    )
    if enqueued:
        services.wake_outbox()


async def on_message(
    body: dict[str, Any],
    event: dict[str, Any],
    services: SlackServices,
    caller: Caller,
) -> None:
    parsed = parse_message(body, event)
    subscribers = services.core.features.message_subscribers
    if parsed is None or not subscribers:
        return
    enqueued = await services.ingest.submit(
        ws=caller.workspace, event=parsed, subscribers=subscribers, now=caller.now
    )
    if enqueued:
        services.wake_outbox()


def register(app: AsyncApp) -> None:
    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(on_reaction)
    app.event("message")(on_message)
