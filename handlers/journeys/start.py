"""`/journey new [task]`: the modal, its inline checks, and the exercise it starts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError

from bot.i18n import N_
from bot.journeys import rules, usecases
from bot.journeys.board import TASK_MAX
from bot.journeys.rules import Field, NewExercise
from handlers.blocks.journey_forms import ANONYMOUS, SHARED_OK, new_exercise_modal
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.forms import answer_submission, text_value
from handlers.journeys.common import EXPIRED, is_member
from handlers.slack_services import SlackServices

SHARED = N_(
    "This channel is shared with another organisation, whose members would read your team's "
    "candid cards. Run `/journey new` inside it to confirm, or pick another channel."
)
TICK = N_("Tick this box to start the exercise in this shared channel.")
NOT_THERE = N_("Invite me to that channel first (`/invite @journeybot`), and be a member of it.")


class NewForm(BaseModel):
    channel_id: str
    shared_ok: bool = False


async def new_command(call: CommandCall) -> None:
    await call.ack()
    _ = call.translator
    task = " ".join(call.parsed.args)[:TASK_MAX] or None
    deadlines = rules.default_deadlines(call.caller.now)
    opened = await call.client.views_open(
        trigger_id=call.body["trigger_id"],
        view=new_exercise_modal(
            private_metadata=call.services.seal.seal(NewForm(channel_id=call.channel_id)),
            task=task,
            channel_id=call.channel_id,
            deadlines=deadlines,
            shared=False,
            _=_,
        ),
    )
    # The modal is open within the trigger's few seconds; a shared channel is then looked up
    # and, if it is one, the modal gains its warning.
    try:
        info = await call.client.conversations_info(channel=call.channel_id)
    except SlackApiError:
        return
    if not (info.get("channel") or {}).get("is_ext_shared"):
        return
    view = opened["view"]
    await call.client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=new_exercise_modal(
            private_metadata=call.services.seal.seal(
                NewForm(channel_id=call.channel_id, shared_ok=True)
            ),
            task=task,
            channel_id=call.channel_id,
            deadlines=deadlines,
            shared=True,
            _=_,
        ),
    )


def _picked_time(values: dict[str, Any], block_id: str) -> datetime | None:
    value = (values.get(block_id) or {}).get("value") or {}
    stamp = value.get("selected_date_time")
    return datetime.fromtimestamp(int(stamp), tz=UTC) if stamp is not None else None


def _number(values: dict[str, Any], block_id: str) -> int | None:
    text = text_value(values, block_id)
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _ticked(values: dict[str, Any], block_id: str) -> bool:
    value = (values.get(block_id) or {}).get("value") or {}
    return bool(value.get("selected_options"))


def _channel(values: dict[str, Any]) -> str | None:
    value = (values.get(Field.channel) or {}).get("value") or {}
    picked = value.get("selected_conversation")
    return str(picked) if picked else None


async def on_new_submitted(
    ack: AsyncAck, view: dict[str, Any], client: Any, services: SlackServices, caller: Caller
) -> None:
    values = view["state"]["values"]
    form = services.seal.open(view.get("private_metadata"), NewForm)
    if form is None:
        await answer_submission(ack, {Field.task: EXPIRED}, caller)
        return
    channel_id = _channel(values) or form.channel_id
    given = NewExercise(
        task=text_value(values, Field.task),
        persona_name=text_value(values, Field.persona_name),
        persona_line=text_value(values, Field.persona_line),
        description=text_value(values, Field.description),
        moments_deadline=_picked_time(values, Field.moments_deadline),
        columns_deadline=_picked_time(values, Field.columns_deadline),
        vote_deadline=_picked_time(values, Field.vote_deadline),
        votes_per_member=_number(values, Field.votes),
        anonymous=_ticked(values, ANONYMOUS),
    )
    errors = rules.check_new(given, caller.now)
    if not errors:
        errors = await _channel_errors(client, channel_id, form, values, caller.user_id)
    if errors:
        await answer_submission(ack, errors, caller)
        return
    _ = await caller.translator()
    started = await services.core.run(
        usecases.start,
        ws=caller.workspace,
        channel_id=channel_id,
        facilitator_id=caller.user_id,
        given=given,
        locale=_.locale,
        now=caller.now,
    )
    await answer_submission(ack, started.errors, caller)


async def _channel_errors(
    client: Any, channel_id: str, form: NewForm, values: dict[str, Any], user_id: str
) -> dict[str, str]:
    """The channel must hold the bot and the person; a shared one needs its box ticked."""
    try:
        info = (await client.conversations_info(channel=channel_id)).get("channel") or {}
    except SlackApiError:
        return {Field.channel: NOT_THERE}
    if not info.get("is_member") or not await is_member(client, channel_id, user_id):
        return {Field.channel: NOT_THERE}
    if info.get("is_ext_shared"):
        if not (form.shared_ok and channel_id == form.channel_id):
            return {Field.channel: SHARED}
        if not _ticked(values, SHARED_OK):
            return {SHARED_OK: TICK}
    return {}
