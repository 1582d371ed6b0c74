"""Posting a due digest: the message in the channel (or the watch's team channel), then the
chart in its thread. The chart is drawn on a worker thread, off the event loop.

Delivery is at-least-once (a crash between Slack's answer and the relay's record hands the
digest out again), so the message carries metadata naming the channel and the week, and the
sender reads the channel's recent history for that tag before posting: a redelivered digest
finds itself and only completes what is missing (its chart). Posts are paced to Slack's one
message per second per channel, as the watcher's alerts are.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.channel_locale import channel_locale
from bot.digests import usecases
from bot.digests.outbox import DIGEST, DigestDue
from bot.digests.usecases import DigestContent
from bot.i18n import Translator
from bot.tenancy import Workspace
from handlers.digests.blocks import digest_blocks
from handlers.feature import Sender
from handlers.promises import slack_facts
from handlers.slack_services import SlackServices
from handlers.watcher.pacing import ChannelPacer

log = logging.getLogger(__name__)
METADATA_TYPE = "journeybot_digest"
LOOK_BACK = 200  # messages per page read to find a digest already posted
LOOK_BACK_PAGES = 5
CHART_NAME = "promise-digest.png"


def digest_metadata(channel_id: str, due: datetime) -> dict[str, object]:
    """Tags the digest so a redelivery after a crash can see it was already posted."""
    return {
        "event_type": METADATA_TYPE,
        "event_payload": {"channel": channel_id, "due": due.isoformat()},
    }


def _is_digest(message: dict[str, Any], channel_id: str, due: datetime) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_TYPE:
        return False
    return metadata.get("event_payload") == digest_metadata(channel_id, due)["event_payload"]


async def _posted_digest(
    client: AsyncWebClient, channel: str, payload: DigestDue
) -> dict[str, Any] | None:
    """The digest of this channel and week if it is already in `channel`, else None.

    It can only have been posted once due, so the history is read from the due instant on
    (a minute earlier, for clocks that disagree a little), newest first, a few pages at most:
    a busy channel may have moved on by the time a digest is handed out again.
    """
    oldest = f"{payload.due.timestamp() - 60:.6f}"
    cursor = None
    for _page in range(LOOK_BACK_PAGES):
        response = await client.conversations_history(
            channel=channel,
            oldest=oldest,
            include_all_metadata=True,
            limit=LOOK_BACK,
            cursor=cursor,
        )
        for message in response.get("messages") or []:
            if _is_digest(message, payload.channel_id, payload.due):
                return dict(message)
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    log.warning("digest for %s: not found in %d pages", payload.channel_id, LOOK_BACK_PAGES)
    return None


async def _has_chart(client: AsyncWebClient, channel: str, thread_ts: str) -> bool:
    replies = await client.conversations_replies(channel=channel, ts=thread_ts, limit=LOOK_BACK)
    return any(
        file.get("name") == CHART_NAME
        for message in replies.get("messages") or []
        for file in message.get("files") or []
    )


def _has_figures(content: DigestContent) -> bool:
    return any(week.due or week.acknowledged for week in content.weeks)


async def _upload_chart(
    client: AsyncWebClient, channel: str, thread_ts: str, content: DigestContent, _: Translator
) -> None:
    # matplotlib is imported with the first chart, not at start: building its font cache on
    # a fresh machine takes seconds the bot must not wait for before answering Slack.
    from bot.digests.chart import render_chart

    chart = await asyncio.to_thread(
        render_chart, content.weeks, timezone=content.timezone, translator=_
    )
    await client.files_upload_v2(
        channel=channel,
        thread_ts=thread_ts,
        file=chart.png,
        filename=CHART_NAME,
        title=chart.title,
        alt_txt=chart.alt_text,
    )


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core
    pacer = ChannelPacer()

    async def send_digest(ws: Workspace, payload: DigestDue) -> None:
        setting = await core.read(usecases.digest_setting, ws=ws, channel_id=payload.channel_id)
        if setting is None or not setting.enabled:
            return  # turned off after it was queued
        content = await core.read(
            usecases.digest_content,
            ws=ws,
            channel_id=payload.channel_id,
            schedule=setting.schedule,
            due=payload.due,
        )
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        alert_channel = content.watch.alert_channel_id if content.watch else None
        channel = alert_channel or payload.channel_id
        if alert_channel is None:
            facts = await slack_facts.channel_facts(client, payload.channel_id)
            if facts.externally_shared:
                # Clients read this channel: a digest about them never goes there.
                log.info("digest for %s skipped: shared channel", payload.channel_id)
                return
        spoken = await core.read(channel_locale, ws=ws, channel_id=channel)
        _ = Translator(spoken.locale)
        found = await _posted_digest(client, channel, payload)
        if found is not None:
            log.info("digest for %s already posted", payload.channel_id)
            thread_ts = str(found["ts"])
            if not _has_figures(content) or await _has_chart(client, channel, thread_ts):
                return
        else:
            text, blocks = digest_blocks(content, _)
            posted = await pacer.post(
                channel,
                lambda: client.chat_postMessage(
                    channel=channel,
                    text=text,
                    blocks=blocks,
                    unfurl_links=False,
                    metadata=digest_metadata(payload.channel_id, payload.due),
                ),
            )
            thread_ts = str(posted["ts"])
        if _has_figures(content):
            await _upload_chart(client, channel, thread_ts, content, _)

    return [Sender(DIGEST, send_digest)]
