"""The watch owner's direct messages when a watch pauses (the bot is out of a channel it
needs) and when it resumes (the bot was invited back). Each is decided once, in the
transaction that pauses or resumes the watch, so the owner hears it once; in the owner's
language, since only they read it."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.tenancy import Workspace
from bot.watcher.outbox import WATCH_PAUSED, WATCH_RESUMED, PauseNotice, ResumeNotice
from handlers.feature import Sender
from handlers.slack_services import SlackServices
from handlers.watcher.pacing import ChannelPacer

GONE = frozenset({"is_archived", "channel_not_found"})


def paused_text(notice: PauseNotice, _: Translator) -> str:
    if notice.reason in GONE:
        return _(
            ":double_vertical_bar: <#{channel}> is archived or no longer exists, so I've paused"
            " the watch on <#{watched}>: no reminders until I'm back. To resume it, unarchive"
            " <#{channel}> and invite me again with `/invite @journeybot` there.",
            channel=notice.missing_channel,
            watched=notice.watched_channel,
        )
    return _(
        ":double_vertical_bar: I'm no longer in <#{channel}>, so I've paused the watch on"
        " <#{watched}>: no reminders until I'm back. To resume it, invite me again: type"
        " `/invite @journeybot` in <#{channel}>.",
        channel=notice.missing_channel,
        watched=notice.watched_channel,
    )


def resumed_text(notice: ResumeNotice, _: Translator) -> str:
    text = _(
        ":arrow_forward: Thanks for inviting me back to <#{channel}>: the watch on <#{watched}>"
        " is on again.",
        channel=notice.channel,
        watched=notice.watched_channel,
    )
    if notice.missed:
        text += " " + _.ngettext(
            "While I was away, {count} request went past its reminder time. I didn't see the"
            " replies in the meantime, so I won't remind anyone late: check it with"
            " `/journey requests` in <#{watched}>.",
            "While I was away, {count} requests went past their reminder time. I didn't see"
            " the replies in the meantime, so I won't remind anyone late: check them with"
            " `/journey requests` in <#{watched}>.",
            notice.missed,
            watched=notice.watched_channel,
        )
    return text


def build_senders(services: SlackServices, pacer: ChannelPacer) -> list[Sender[Any]]:
    async def direct_message(ws: Workspace, owner: str, text_of: Any) -> None:
        client: AsyncWebClient = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        _ = await services.translator(client, ws.team_id, owner)
        opened = await client.conversations_open(users=owner)
        channel = opened["channel"]["id"]
        text = text_of(_)
        await pacer.post(channel, lambda: client.chat_postMessage(channel=channel, text=text))

    async def tell_paused(ws: Workspace, notice: PauseNotice) -> None:
        await direct_message(ws, notice.owner, lambda _: paused_text(notice, _))

    async def tell_resumed(ws: Workspace, notice: ResumeNotice) -> None:
        await direct_message(ws, notice.owner, lambda _: resumed_text(notice, _))

    return [Sender(WATCH_PAUSED, tell_paused), Sender(WATCH_RESUMED, tell_resumed)]
