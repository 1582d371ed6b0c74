"""The reader's audience (bot/membership.py), with the Slack half: admin flags from the cached
`users.info`, member lists from `conversations.members`, and the member events.

The same events about the bot itself (plus `channel_left`/`group_left`, which Slack sends the
bot when it is removed) tell the features that the bot left or joined a channel: a watch
pauses and resumes on them (bot/watcher/pause.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import membership
from bot.membership import Audience
from bot.tenancy import Workspace
from handlers.caller import Caller
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)
# Slack won't list the members: the bot left or was never let in. Nobody but admins sees it.
UNLISTABLE = ("channel_not_found", "not_in_channel", "missing_scope", "is_archived")
MEMBERS_PAGE = 1000
MAX_MEMBER_PAGES = 20  # 20,000 members: past that, a channel is not one team's room


async def channel_members(client: AsyncWebClient, channel_id: str) -> list[str]:
    """Every member of the channel (`conversations.members`, paged): the one place the bot
    lists a channel's members. Raises SlackApiError when Slack won't list them."""
    members: list[str] = []
    cursor: str | None = None
    for _page in range(MAX_MEMBER_PAGES):
        arguments: dict[str, Any] = {"channel": channel_id, "limit": MEMBERS_PAGE}
        if cursor:
            arguments["cursor"] = cursor
        response = await client.conversations_members(**arguments)
        members.extend(str(member) for member in response.get("members") or [])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    return members


async def audience_for(
    services: SlackServices,
    client: AsyncWebClient,
    caller: Caller,
    channel_ids: Iterable[str],
    user_id: str | None = None,
) -> Audience:
    """Who `user_id` (the caller by default) is as a reader of content from `channel_ids`."""
    core, ws = services.core, caller.workspace
    reader = user_id or caller.user_id
    if await services.locales.is_admin(client, ws.team_id, reader):
        return Audience(user_id=reader, sees_all=True)
    stale = await core.read(
        membership.channels_to_refresh, ws=ws, channel_ids=list(channel_ids), now=caller.now
    )
    for channel_id in stale:
        await refresh_channel(services, client, ws, channel_id, caller)
    return await core.read(membership.audience, ws=ws, user_id=reader, is_admin=False)


async def refresh_channel(
    services: SlackServices, client: AsyncWebClient, ws: Workspace, channel_id: str, caller: Caller
) -> None:
    try:
        members = await channel_members(client, channel_id)
    except SlackApiError as error:
        reason = str(error.response.get("error", "")) if error.response is not None else ""
        if reason not in UNLISTABLE:
            raise
        log.info("members of %s unavailable: %s", channel_id, reason)
        members = []
    await services.core.run(
        membership.record_members, ws=ws, channel_id=channel_id, user_ids=members, now=caller.now
    )


def _member_event(event: dict[str, Any]) -> tuple[str, str] | None:
    channel, user = event.get("channel"), event.get("user")
    if isinstance(channel, str) and channel and isinstance(user, str) and user:
        return channel, user
    return None


async def _bot_presence(
    services: SlackServices, caller: Caller, channel_id: str, *, present: bool, reason: str
) -> None:
    subscribers = services.core.features.bot_presence_subscribers
    if not subscribers:
        return
    log.info("bot %s %s (%s)", "joined" if present else "left", channel_id, reason)
    await services.core.run(
        membership.bot_presence,
        ws=caller.workspace,
        channel_id=channel_id,
        present=present,
        reason=reason,
        subscribers=subscribers,
        now=caller.now,
    )


async def on_member_joined(
    event: dict[str, Any], context: AsyncBoltContext, services: SlackServices, caller: Caller
) -> None:
    parsed = _member_event(event)
    if parsed is None:
        return
    if context.bot_user_id and parsed[1] == context.bot_user_id:
        await _bot_presence(
            services, caller, parsed[0], present=True, reason="member_joined_channel"
        )
        return
    await services.core.run(
        membership.member_joined, ws=caller.workspace, channel_id=parsed[0], user_id=parsed[1]
    )


async def on_member_left(
    event: dict[str, Any], context: AsyncBoltContext, services: SlackServices, caller: Caller
) -> None:
    parsed = _member_event(event)
    if parsed is None:
        return
    if context.bot_user_id and parsed[1] == context.bot_user_id:
        await _bot_presence(
            services, caller, parsed[0], present=False, reason="member_left_channel"
        )
        return
    await services.core.run(
        membership.member_left, ws=caller.workspace, channel_id=parsed[0], user_id=parsed[1]
    )


async def on_bot_removed(event: dict[str, Any], services: SlackServices, caller: Caller) -> None:
    """`channel_left` / `group_left`: the bot itself was removed from the channel."""
    channel = event.get("channel")
    if isinstance(channel, str) and channel:
        reason = str(event.get("type") or "channel_left")
        await _bot_presence(services, caller, channel, present=False, reason=reason)


def register(app: AsyncApp) -> None:
    app.event("member_joined_channel")(on_member_joined)
    app.event("member_left_channel")(on_member_left)
    app.event("channel_left")(on_bot_removed)
    app.event("group_left")(on_bot_removed)
