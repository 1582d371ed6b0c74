"""What the promise rules need to know from Slack, asked through the Web API.

Each function turns Slack's answer into a plain value for `bot.promises`; a Slack error
becomes "not found" or "unknown", never an exception, so a listener can refuse politely.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.promises.at_work import DndStatus
from bot.promises.rules import ChannelFacts
from handlers import audience

log = logging.getLogger(__name__)

MAX_LOOKUPS = 20  # people looked up for "at work now" in one status
LOOKUP_TIMEOUT_SECONDS = 2.0


async def channel_facts(client: AsyncWebClient, channel_id: str) -> ChannelFacts:
    """`conversations.info`: whether the bot sees the channel, whether it is shared with
    another organisation (Slack Connect, `is_ext_shared`) and whether the bot is in it."""
    try:
        answer = await client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        log.info("conversations.info %s: %s", channel_id, error.response.get("error"))
        return ChannelFacts(found=False)
    channel = answer.get("channel") or {}
    return ChannelFacts(
        found=True,
        externally_shared=channel.get("is_ext_shared") is True,
        bot_is_member=channel.get("is_member") is True,
    )


async def channel_members(client: AsyncWebClient, channel_id: str) -> list[str] | None:
    """Every member of the channel; None if Slack won't list them."""
    try:
        return await audience.channel_members(client, channel_id)
    except SlackApiError as error:
        log.info("conversations.members %s: %s", channel_id, error.response.get("error"))
        return None


async def is_channel_member(client: AsyncWebClient, channel_id: str, user_id: str) -> bool:
    """Whether `user_id` is in the channel (False when the bot can't see its members)."""
    members = await channel_members(client, channel_id)
    return members is not None and user_id in members


async def user_timezone(client: AsyncWebClient, user_id: str) -> tuple[bool, str | None]:
    """`users.info`'s `tz` (never `tz_offset`): (answered, tz). (False, None) on an error."""
    try:
        answer = await asyncio.wait_for(client.users_info(user=user_id), LOOKUP_TIMEOUT_SECONDS)
    except (SlackApiError, TimeoutError, OSError) as error:
        log.info("users.info %s failed: %s", user_id, type(error).__name__)
        return False, None
    tz = (answer.get("user") or {}).get("tz")
    return True, tz if isinstance(tz, str) and tz else None


async def dnd_statuses(client: AsyncWebClient, user_ids: Iterable[str]) -> dict[str, DndStatus]:
    """`dnd.info` for each person (at most MAX_LOOKUPS); unknown ones are left out."""
    wanted = list(dict.fromkeys(user_ids))[:MAX_LOOKUPS]

    async def one(user_id: str) -> tuple[str, DndStatus | None]:
        try:
            answer = await asyncio.wait_for(client.dnd_info(user=user_id), LOOKUP_TIMEOUT_SECONDS)
        except (SlackApiError, TimeoutError, OSError) as error:
            log.info("dnd.info %s failed: %s", user_id, type(error).__name__)
            return user_id, None
        return user_id, DndStatus.from_slack(answer.data if isinstance(answer.data, dict) else {})

    found = await asyncio.gather(*(one(user_id) for user_id in wanted))
    return {user_id: status for user_id, status in found if status is not None}
