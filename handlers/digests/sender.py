"""Posting a due digest: the message in the channel (or the watch's team channel), then the
chart in its thread. The chart is drawn on a worker thread, off the event loop."""

from __future__ import annotations

import asyncio
import logging
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

log = logging.getLogger(__name__)
METADATA_TYPE = "journeybot_digest"


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
        filename="promise-digest.png",
        title=chart.title,
        alt_txt=chart.alt_text,
    )


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core

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
        text, blocks = digest_blocks(content, _)
        posted = await client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            metadata={
                "event_type": METADATA_TYPE,
                "event_payload": {"channel": payload.channel_id, "due": payload.due.isoformat()},
            },
        )
        if _has_figures(content):
            await _upload_chart(client, channel, str(posted["ts"]), content, _)

    return [Sender(DIGEST, send_digest)]
