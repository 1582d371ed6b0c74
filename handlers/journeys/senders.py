"""One sender per journey outbox kind: the exercise message, reminders, the closing summary."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, ButtonElement, MarkdownTextObject, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.journeys import promising, schedule, usecases
from bot.journeys.board import PHASE_LABELS, Phase, top_tomorrow_cards
from bot.journeys.outbox import (
    EXERCISE_MESSAGE,
    POST_MESSAGE,
    REMIND,
    SUMMARY,
    ExerciseRef,
    PhaseReminder,
)
from bot.tenancy import Workspace
from bot.windows import window_text
from handlers.audience import channel_members
from handlers.blocks.journey_board import exercise_message, exercise_title, when
from handlers.blocks.text import clip, escape
from handlers.feature import Sender
from handlers.ids import JourneyAction
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)
SUMMARY_IDEAS = 5
PROMISES_SHOWN = 40  # with the summary, well inside a message's 50 blocks


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "")) if error.response is not None else ""


def build_senders(services: SlackServices) -> list[Sender[Any]]:
    core = services.core

    async def client_for(ws: Workspace) -> AsyncWebClient:
        return await services.clients.for_workspace(ws.team_id, ws.enterprise_id)

    async def post_message(ws: Workspace, payload: ExerciseRef) -> None:
        view = await core.read(usecases.exercise, ws=ws, exercise_id=payload.exercise_id)
        if view is None or view.message_ts is not None:
            return  # gone, or already posted (a redelivery)
        _ = Translator(view.locale)
        client = await client_for(ws)
        text = _("Journey exercise {title}", title=exercise_title(view, _))
        posted = await client.chat_postMessage(
            channel=view.channel_id, text=text, blocks=exercise_message(view, _)
        )
        await core.run(
            usecases.record_message, ws=ws, exercise_id=view.id, message_ts=str(posted["ts"])
        )

    async def exercise_message_sender(ws: Workspace, payload: ExerciseRef) -> None:
        view = await core.read(usecases.exercise, ws=ws, exercise_id=payload.exercise_id)
        if view is None or view.message_ts is None:
            return  # not posted yet: the post will show the latest state
        _ = Translator(view.locale)
        client = await client_for(ws)
        blocks = exercise_message(view, _)
        text = _("Journey exercise {title}", title=exercise_title(view, _))
        try:
            await client.chat_update(
                channel=view.channel_id, ts=view.message_ts, text=text, blocks=blocks
            )
        except SlackApiError as error:
            if _error(error) != "message_not_found":
                raise
            log.info("exercise %s: its message was deleted; not posting it again", view.id)

    async def remind(ws: Workspace, payload: PhaseReminder) -> None:
        view = await core.read(usecases.exercise, ws=ws, exercise_id=payload.exercise_id)
        if view is None or view.phase.value != payload.phase or view.deadline is None:
            return
        client = await client_for(ws)
        members = await channel_members(client, view.channel_id)
        bot_user = (await client.auth_test()).get("user_id")
        users = await core.read(
            schedule.to_remind,
            ws=ws,
            exercise_id=view.id,
            phase=payload.phase,
            members=[member for member in members if member != bot_user],
        )
        for user_id in users:
            _ = await services.translator(client, ws.team_id, user_id)
            text = _(
                "Exercise {title} in <#{channel}>: the phase “{phase}” ends {deadline}, and "
                "your view is missing. Open the exercise message to add yours. "
                "(`/journey mute` stops these reminders.)",
                title=escape(exercise_title(view, _)),
                channel=view.channel_id,
                phase=_(PHASE_LABELS[view.phase]),
                deadline=when(view.deadline, _),
            )
            opened = await client.conversations_open(users=user_id)
            await client.chat_postMessage(channel=opened["channel"]["id"], text=text)

    async def summary(ws: Workspace, payload: ExerciseRef) -> None:
        view = await core.read(usecases.exercise, ws=ws, exercise_id=payload.exercise_id)
        if view is None or view.phase is not Phase.CLOSED:
            return
        board = await core.read(usecases.board, ws=ws, exercise_id=view.id, now=core.clock.now())
        _ = Translator(view.locale)
        lines = [
            _(
                "*Exercise {title} is closed.* The most voted ideas:",
                title=escape(exercise_title(view, _)),
            )
        ]
        ranked = top_tomorrow_cards(board, SUMMARY_IDEAS)
        for item in ranked:
            lines.append(
                "• "
                + escape(clip(item.card.text, 200))
                + " "
                + _.ngettext(
                    "({count} vote, {moment})",
                    "({count} votes, {moment})",
                    item.card.votes,
                    moment=escape(clip(item.moment.name, 80)),
                )
            )
        if not ranked:
            lines = [
                _(
                    "*Exercise {title} is closed.* Nobody voted for an idea.",
                    title=escape(exercise_title(view, _)),
                )
            ]
        lines.append(_("`/journey map` draws it; `/journey export` gives it as a file."))
        text = clip("\n".join(lines), 2900)
        blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
        made = await core.read(promising.made, ws=ws, exercise_id=view.id)
        if made:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=_("*The team's promises:*"))))
        for promise in made[:PROMISES_SHOWN]:
            line = "• " + escape(clip(promise.text, 300))
            if promise.window is not None:
                line += " " + _(
                    "(answer within {window}, in <#{channel}>)",
                    window=window_text(promise.window),
                    channel=promise.channel_id,
                )
            accessory = None
            if promise.window is not None and not promise.is_watch:
                accessory = ButtonElement(
                    action_id=JourneyAction.make_watch,
                    text=_("Make it this channel's watch"),
                    value=str(promise.promise_id),
                )
            blocks.append(SectionBlock(text=MarkdownTextObject(text=line), accessory=accessory))
        client = await client_for(ws)
        await client.chat_postMessage(channel=view.channel_id, text=text, blocks=blocks)

    return [
        Sender(POST_MESSAGE, post_message),
        Sender(EXERCISE_MESSAGE, exercise_message_sender),
        Sender(REMIND, remind),
        Sender(SUMMARY, summary),
    ]
