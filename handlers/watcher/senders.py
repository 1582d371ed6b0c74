"""One sender per watcher outbox kind: alerts, the owner's DM, alert updates.

Delivery is at-least-once (a crash between Slack's answer and the relay's record sends the
message again), so each alert is tagged with message metadata naming the request and the
action, and the sender looks for that tag where the alert would be before posting it.
Posting is paced to one message per second per channel.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.tenancy import Workspace
from bot.watcher import usecases
from bot.watcher.outbox import (
    ALERT,
    OWNER_NOTICE,
    UPDATE_ALERT,
    OwnerNotice,
    RequestAlert,
    TakenNotice,
)
from bot.watcher.usecases import AlertView
from handlers.blocks.watcher import (
    alert_blocks,
    alert_metadata,
    is_alert,
    outcome_blocks,
    owner_blocks,
)
from handlers.feature import Sender
from handlers.slack_services import SlackServices
from handlers.watcher.pacing import ChannelPacer

log = logging.getLogger(__name__)
LOOK_BACK = 200  # messages read to find an alert already posted


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


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core
    pacer = ChannelPacer()

    def team_voice() -> Translator:
        return Translator(core.settings.default_locale)

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
        alert_request = alert.request.__class__(**{**alert.request.__dict__, "permalink": found})
        return AlertView(
            request=alert_request,
            promise_text=alert.promise_text,
            window=alert.window,
            alert_channel_id=alert.alert_channel_id,
            owner=alert.owner,
        )

    async def send_alert(ws: Workspace, payload: RequestAlert) -> None:
        alert = await core.read(usecases.alert_view, ws=ws, request_id=payload.request_id)
        if alert is None:
            return
        request = alert.request
        if payload.action == "nudge" and request.status != "open":
            return  # acknowledged or dismissed since: the nudge has nothing left to say
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        alert = await permalink(client, ws, alert)
        in_thread = alert.alert_channel_id is None
        channel = request.channel if in_thread else str(alert.alert_channel_id)
        thread_ts = request.ts if in_thread else None
        noticed = request.escalated_at if payload.action == "escalate" else request.nudged_at
        oldest = f"{(noticed or request.created_at).timestamp() - 60:.6f}"
        if await _already_posted(client, channel, thread_ts, request.id, payload.action, oldest):
            log.info("request %s: %s already posted", request.id, payload.action)
            return
        text, blocks = alert_blocks(
            alert, payload.action, payload.mentions, core.clock.now(), team_voice()
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

    async def notify_owner(ws: Workspace, payload: OwnerNotice) -> None:
        alert = await core.read(usecases.alert_view, ws=ws, request_id=payload.request_id)
        if alert is None:
            return
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
            payload.outcome, payload.user_id, payload.request_id, team_voice()
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
    ]
