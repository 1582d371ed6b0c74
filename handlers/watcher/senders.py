"""One sender per watcher outbox kind: alerts, the owner's DM, alert updates.

Delivery is at-least-once (a crash between Slack's answer and the relay's record sends the
message again), so each alert is tagged with message metadata naming the request and the
action, and the sender looks for that tag where the alert would be before posting it.
Posting is paced to one message per second per channel.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channel_locale import channel_locale
from bot.i18n import Translator
from bot.promises.at_work import DndStatus
from bot.tenancy import Workspace
from bot.watcher import pause, usecases
from bot.watcher.alerts import who_to_mention
from bot.watcher.outbox import (
    ALERT,
    OWNER_NOTICE,
    UPDATE_ALERT,
    OwnerNotice,
    RequestAlert,
    TakenNotice,
)
from bot.watcher.usecases import AlertView
from bot.windows import Member
from handlers.blocks.watcher import (
    alert_blocks,
    alert_metadata,
    is_alert,
    outcome_blocks,
    owner_blocks,
)
from handlers.feature import Sender
from handlers.promises.slack_facts import (
    LOOKUP_TIMEOUT_SECONDS,
    MAX_LOOKUPS,
    channel_members,
    dnd_statuses,
)
from handlers.slack_services import SlackServices
from handlers.watcher import holding, pause_notices
from handlers.watcher.pacing import ChannelPacer

log = logging.getLogger(__name__)
LOOK_BACK = 200  # messages read to find an alert already posted
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "")) if error.response is not None else ""


async def _already_posted(
    client: AsyncWebClient,
    channel: str,
    thread_ts: str | None,
    request_id: int,
    action: str,
    oldest: str,
) -> bool:
    """Whether an alert tagged for this request and action is already where it would go."""
    if thread_ts is not None:
        response = await client.conversations_replies(
            channel=channel, ts=thread_ts, include_all_metadata=True, limit=LOOK_BACK
        )
    else:
        response = await client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=LOOK_BACK
        )
    return any(is_alert(m, request_id, action) for m in response.get("messages") or [])


async def _person(
    client: AsyncWebClient, ws: Workspace, user_id: str
) -> tuple[str, str | None] | None:
    """(user, Slack `tz`) for a person of our own workspace who can be pinged, else None."""
    try:
        answer = await asyncio.wait_for(client.users_info(user=user_id), LOOKUP_TIMEOUT_SECONDS)
    except (SlackApiError, TimeoutError, OSError):
        return None
    user = answer.get("user") or {}
    if user.get("is_bot") or user.get("deleted") or user.get("team_id") not in (None, ws.team_id):
        return None  # bots, former staff, and a partner's people (Slack Connect) are no team
    tz = user.get("tz")
    return user_id, tz if isinstance(tz, str) and tz else None


async def _team(client: AsyncWebClient, ws: Workspace, alert: AlertView) -> list[str]:
    """Who the watch's team is right now, as Slack says."""
    if alert.team_kind == "named_users":
        return [user_id for user_id, _tz in alert.members]
    if alert.team_kind == "user_group" and alert.team_group_id:
        try:
            answer = await client.usergroups_users_list(usergroup=alert.team_group_id)
        except SlackApiError as error:
            log.info("usergroups.users.list %s: %s", alert.team_group_id, _error(error))
            return []
        return [str(user) for user in answer.get("users") or []]
    return await channel_members(client, alert.request.channel) or []


async def mentions_for(
    client: AsyncWebClient, ws: Workspace, alert: AlertView, turn: int, now: datetime
) -> list[str]:
    """The people at work now (their own time zone, not in Do Not Disturb), taking turns."""
    wanted = [u for u in await _team(client, ws, alert) if u != alert.request.requester]
    wanted = list(dict.fromkeys(wanted))[:MAX_LOOKUPS]
    found = await asyncio.gather(*(_person(client, ws, user_id) for user_id in wanted))
    people = [person for person in found if person is not None]
    cached = dict(alert.members)
    dnd = await dnd_statuses(client, [user_id for user_id, _tz in people])
    team = [
        Member(user_id, tz or cached.get(user_id), (dnd.get(user_id) or DndStatus()).active(now))
        for user_id, tz in people
    ]
    return who_to_mention(
        team, now=now, hours=alert.hours, turn=turn, requester=alert.request.requester
    )


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core
    pacer = ChannelPacer()

    async def team_voice(ws: Workspace, channel: str) -> Translator:
        """Alerts are public: they speak the language of the channel they are posted in."""
        spoken = await core.read(channel_locale, ws=ws, channel_id=channel)
        return Translator(spoken.locale)

    async def permalink(client: AsyncWebClient, ws: Workspace, alert: AlertView) -> AlertView:
        if alert.request.permalink is not None:
            return alert
        try:
            link = await client.chat_getPermalink(
                channel=alert.request.channel, message_ts=alert.request.ts
            )
        except SlackApiError as error:
            log.info("request %s: no permalink (%s)", alert.request.id, _error(error))
            return alert
        found = str(link.get("permalink") or "")
        if not found:
            return alert
        await core.run(
            usecases.record_permalink, ws=ws, request_id=alert.request.id, permalink=found
        )
        alert_request = dataclasses.replace(alert.request, permalink=found)
        return dataclasses.replace(alert, request=alert_request)

    async def send_alert(ws: Workspace, payload: RequestAlert) -> None:
        alert = await core.read(usecases.alert_view, ws=ws, request_id=payload.request_id)
        if alert is None:
            return
        request = alert.request
        if alert.paused:
            return  # the bot is out of a channel the watch needs; its owner was told
        if payload.action == "nudge" and request.status != "open":
            return  # acknowledged or dismissed since: the nudge has nothing left to say
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        alert = await permalink(client, ws, alert)
        in_thread = alert.alert_channel_id is None
        channel = request.channel if in_thread else str(alert.alert_channel_id)
        thread_ts = request.ts if in_thread else None
        noticed = request.escalated_at if payload.action == "escalate" else request.nudged_at
        oldest = f"{(noticed or request.created_at).timestamp() - 60:.6f}"
        try:
            if await _already_posted(
                client, channel, thread_ts, request.id, payload.action, oldest
            ):
                log.info("request %s: %s already posted", request.id, payload.action)
                return
            now = core.clock.now()
            mentions = await mentions_for(client, ws, alert, payload.turn, now)
            text, blocks = alert_blocks(
                alert, payload.action, mentions, now, await team_voice(ws, channel)
            )
            await pacer.post(
                channel,
                lambda: client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=text,
                    blocks=blocks,
                    metadata=alert_metadata(request.id, payload.action),
                    unfurl_links=False,
                ),
            )
        except SlackApiError as error:
            if _error(error) not in CANNOT_POST:
                raise
            # Retrying would fail the same way: the watch pauses until the bot is invited
            # back, and its owner (who can fix it) is told once, whatever else was due.
            log.info("request %s: can't post in %s (%s)", request.id, channel, _error(error))
            await core.run(
                pause.pause, ws=ws, channel_id=channel, reason=_error(error), now=core.clock.now()
            )

    async def notify_owner(ws: Workspace, payload: OwnerNotice) -> None:
        alert = await core.read(usecases.alert_view, ws=ws, request_id=payload.request_id)
        if alert is None or alert.paused:
            return  # paused: the owner was told why, once, instead
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        alert = await permalink(client, ws, alert)
        _ = await services.translator(client, ws.team_id, payload.owner)
        opened = await client.conversations_open(users=payload.owner)
        channel = opened["channel"]["id"]
        # Not checked before posting: reading a DM's history needs `im:history`, which the
        # bot does not ask for. A crash between Slack's answer and our record can repeat
        # this one DM (never a channel alert).
        text, blocks = owner_blocks(alert, _)
        await pacer.post(
            channel,
            lambda: client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                metadata=alert_metadata(alert.request.id, "owner"),
            ),
        )

    async def update_alert(ws: Workspace, payload: TakenNotice) -> None:
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        text, blocks = outcome_blocks(
            payload.outcome,
            payload.user_id,
            payload.request_id,
            await team_voice(ws, payload.channel_id),
        )
        try:
            await client.chat_update(
                channel=payload.channel_id, ts=payload.message_ts, text=text, blocks=blocks
            )
        except SlackApiError as error:
            if _error(error) not in ("message_not_found", "cant_update_message"):
                raise
            log.info("request %s: alert not updated (%s)", payload.request_id, _error(error))

    return [
        Sender(ALERT, send_alert),
        Sender(OWNER_NOTICE, notify_owner),
        Sender(UPDATE_ALERT, update_alert),
        *pause_notices.build_senders(services, pacer),
        *holding.build_senders(services, pacer),
    ]
