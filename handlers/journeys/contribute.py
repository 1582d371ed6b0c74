"""The exercise message's buttons and the modals they open: moments, cards, next phase,
and the facilitator's moment editor."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.journeys import contribute, rules, usecases
from bot.journeys.board import PHASE_LABELS, Phase
from bot.journeys.rules import Field, JourneyError
from bot.journeys.usecases import ExerciseView
from handlers.blocks.journey_board import exercise_title
from handlers.blocks.journey_forms import card_modal, moment_modal, moments_editor, rename_modal
from handlers.caller import Caller
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import row_id
from handlers.journeys.common import (
    EXPIRED,
    ExerciseForm,
    action_exercise_id,
    exercise_for,
    exercise_heading,
    exercise_modal_button,
    modal_form,
    own_form,
    parse_int,
    payload_channel,
    refusing_in_modal,
)
from handlers.slack_services import SlackServices


async def _moment_form(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    _ = await caller.translator()
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return moment_modal(
        private_metadata=services.seal.seal(form),
        heading=exercise_heading(view, _),
        count=view.moments,
        _=_,
    )


on_add_moment = exercise_modal_button(_moment_form)


def _position(values: dict[str, Any]) -> int | None:
    text = text_value(values, Field.position)
    try:
        return int(text) if text else None
    except ValueError:
        return None


async def on_moment_submitted(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, caller: Caller
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    values = view["state"]["values"]
    if form is None:
        await answer_submission(ack, {Field.name: EXPIRED}, caller)
        return
    try:
        errors = await services.core.run(
            contribute.add_moment,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            author_id=caller.user_id,
            name=text_value(values, Field.name),
            touchpoint=selected_value(values, Field.touchpoint),
            note=text_value(values, Field.note),
            position=_position(values),
            now=caller.now,
        )
    except JourneyError as error:
        errors = {Field.name: error.message}
    await answer_submission(ack, errors, caller)


async def _card_form(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    _ = await caller.translator()
    moments = await services.core.read(
        contribute.moment_choices, ws=caller.workspace, exercise_id=view.id
    )
    if not moments:
        raise JourneyError(rules.NO_MOMENTS)
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return card_modal(
        private_metadata=services.seal.seal(form),
        heading=exercise_heading(view, _),
        moments=moments,
        _=_,
    )


on_add_card = exercise_modal_button(_card_form)


async def on_card_submitted(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, caller: Caller
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    values = view["state"]["values"]
    if form is None:
        await answer_submission(ack, {Field.text: EXPIRED}, caller)
        return
    try:
        errors = await services.core.run(
            contribute.add_card,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            moment_id=row_id(selected_value(values, Field.moment)),
            author_id=caller.user_id,
            column=selected_value(values, Field.column),
            text=text_value(values, Field.text),
            feeling=parse_int(selected_value(values, Field.feeling)),
            now=caller.now,
        )
    except JourneyError as error:
        errors = {Field.text: error.message}
    await answer_submission(ack, errors, caller)


async def on_next_phase(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    view = await exercise_for(
        services,
        caller,
        client,
        action_exercise_id(action),
        channel_id=payload_channel(body),
        contribute=False,
    )
    seen = str(action.get("value") or "").partition(":")[2]
    phase = await services.core.run(
        usecases.advance,
        ws=caller.workspace,
        exercise_id=view.id,
        actor_id=caller.user_id,
        now=caller.now,
        seen=Phase(seen) if seen in {p.value for p in Phase} else None,
    )
    _ = await caller.translator()
    await respond(
        text=_(
            "Exercise {title} is now at: {phase}.",
            title=exercise_title(view, _),
            phase=_(PHASE_LABELS[phase]),
        ),
        response_type="ephemeral",
        replace_original=False,
    )


# -- the facilitator's moment editor --------------------------------------------------------
async def _editor(
    services: SlackServices, caller: Caller, form: ExerciseForm, deleted: tuple[int, str] | None
) -> View:
    _ = await caller.translator()
    moments = await services.core.read(
        contribute.moment_choices, ws=caller.workspace, exercise_id=form.exercise_id
    )
    return moments_editor(
        private_metadata=services.seal.seal(form), moments=moments, deleted=deleted, _=_
    )


async def _moments_editor_modal(
    view: ExerciseView, services: SlackServices, caller: Caller
) -> View:
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return await _editor(services, caller, form, None)


on_edit_moments = exercise_modal_button(
    _moments_editor_modal, contribute=False, facilitator_only=True
)


async def _moment_menu(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = modal_form(services, body, caller)
    verb, _sep, raw_id = str((action.get("selected_option") or {}).get("value", "")).partition(":")
    moment_id = row_id(raw_id)
    if moment_id is None:
        raise JourneyError(rules.MOMENT_GONE)
    ws, exercise_id, now = caller.workspace, form.exercise_id, caller.now
    if verb in ("up", "down"):
        await services.core.run(
            contribute.move_moment,
            ws=ws,
            exercise_id=exercise_id,
            moment_id=moment_id,
            by=-1 if verb == "up" else 1,
            actor_id=caller.user_id,
        )
    elif verb == "merge":
        choices = await services.core.read(
            contribute.moment_choices, ws=ws, exercise_id=exercise_id
        )
        ids = [choice.id for choice in choices]
        if moment_id not in ids or ids.index(moment_id) == 0:
            raise JourneyError(rules.MOMENT_GONE)
        await services.core.run(
            contribute.merge_moment,
            ws=ws,
            exercise_id=exercise_id,
            moment_id=moment_id,
            into_id=ids[ids.index(moment_id) - 1],
            actor_id=caller.user_id,
            now=now,
        )
    elif verb == "delete":
        await _delete_moment(body, client, services, caller, form, moment_id, undo=False)
        return
    elif verb == "rename":
        choices = await services.core.read(
            contribute.moment_choices, ws=ws, exercise_id=exercise_id
        )
        current = next((c.name for c in choices if c.id == moment_id), None)
        if current is None:
            raise JourneyError(rules.MOMENT_GONE)
        _ = await caller.translator()
        renaming = form.model_copy(update={"moment_id": moment_id})
        await client.views_push(
            trigger_id=body["trigger_id"],
            view=rename_modal(private_metadata=services.seal.seal(renaming), name=current, _=_),
        )
        return
    await client.views_update(
        view_id=body["view"]["id"], view=await _editor(services, caller, form, None)
    )


on_moment_menu = refusing_in_modal(_moment_menu)


async def _undo_delete(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = modal_form(services, body, caller)
    moment_id = row_id(action.get("value"))
    if moment_id is None:
        raise JourneyError(rules.MOMENT_GONE)
    await _delete_moment(body, client, services, caller, form, moment_id, undo=True)


on_undo_delete = refusing_in_modal(_undo_delete)


async def _delete_moment(
    body: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
    form: ExerciseForm,
    moment_id: int,
    *,
    undo: bool,
) -> None:
    """Delete the moment, or bring it back, and show the editor again: with an Undo at the
    top after a deletion."""
    name = await services.core.run(
        contribute.delete_moment,
        ws=caller.workspace,
        exercise_id=form.exercise_id,
        moment_id=moment_id,
        actor_id=caller.user_id,
        now=caller.now,
        undo=undo,
    )
    deleted = None if undo else (moment_id, name)
    await client.views_update(
        view_id=body["view"]["id"], view=await _editor(services, caller, form, deleted)
    )


async def on_rename_submitted(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, caller: Caller
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    if form is None or form.moment_id is None:
        await answer_submission(ack, {Field.name: EXPIRED}, caller)
        return
    try:
        errors = await services.core.run(
            contribute.rename_moment,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            moment_id=form.moment_id,
            name=text_value(view["state"]["values"], Field.name),
            actor_id=caller.user_id,
            now=caller.now,
        )
    except JourneyError as error:
        errors = {Field.name: error.message}
    await answer_submission(ack, errors, caller)
