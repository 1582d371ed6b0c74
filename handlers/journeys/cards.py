"""Cards after they are written: the card editor (edit, delete with an undo) opened from the
exercise message or the board, the edit form, and a long card read in full."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.journeys import cards, rules
from bot.journeys.rules import Field, JourneyError
from bot.journeys.usecases import ExerciseView
from handlers.blocks.journey_cards import card_edit_modal, card_text_modal, cards_editor
from handlers.caller import Caller
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import row_id
from handlers.journeys.common import (
    EXPIRED,
    ExerciseForm,
    clicked_in_modal,
    exercise_for,
    exercise_modal_button,
    member_form,
    open_modal,
    own_form,
    refusing_in_modal,
)
from handlers.slack_services import SlackServices


async def _editor(
    services: SlackServices, caller: Caller, form: ExerciseForm, deleted: tuple[int, str] | None
) -> View:
    _ = await caller.translator()
    found = await services.core.read(
        cards.editable_cards,
        ws=caller.workspace,
        exercise_id=form.exercise_id,
        user_id=caller.user_id,
    )
    return cards_editor(
        private_metadata=services.seal.seal(form.model_copy(update={"card_id": None})),
        cards=found,
        page=form.page,
        deleted=deleted,
        _=_,
    )


async def _cards_editor_modal(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    """What the exercise message's (or the board's) Cards button opens: the person's cards
    to change."""
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return await _editor(services, caller, form, None)


on_cards_button = exercise_modal_button(_cards_editor_modal, from_board_too=True)


async def _card_menu(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = await member_form(services, body, caller, client)
    verb, _sep, raw_id = str((action.get("selected_option") or {}).get("value", "")).partition(":")
    card_id = row_id(raw_id)
    if card_id is None:
        raise JourneyError(rules.CARD_GONE)
    _ = await caller.translator()
    if verb == "read":
        card = await services.core.read(
            cards.read_card, ws=caller.workspace, exercise_id=form.exercise_id, card_id=card_id
        )
        await client.views_push(trigger_id=body["trigger_id"], view=card_text_modal(card, _))
        return
    if verb == "edit":
        card = await services.core.read(
            cards.read_card, ws=caller.workspace, exercise_id=form.exercise_id, card_id=card_id
        )
        editing = form.model_copy(update={"card_id": card_id})
        await client.views_push(
            trigger_id=body["trigger_id"],
            view=card_edit_modal(private_metadata=services.seal.seal(editing), card=card, _=_),
        )
        return
    if verb != "delete":
        raise JourneyError(rules.CARD_GONE)
    await _delete_card(body, client, services, caller, form, card_id, undo=False)


on_card_menu = refusing_in_modal(_card_menu)


async def _delete_card(
    body: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
    form: ExerciseForm,
    card_id: int,
    *,
    undo: bool,
) -> None:
    """Delete the card, or bring it back, and show the editor again: with an Undo at the top
    after a deletion."""
    text = await services.core.run(
        cards.delete_card,
        ws=caller.workspace,
        exercise_id=form.exercise_id,
        card_id=card_id,
        actor_id=caller.user_id,
        now=caller.now,
        undo=undo,
    )
    deleted = None if undo else (card_id, text)
    await client.views_update(
        view_id=body["view"]["id"], view=await _editor(services, caller, form, deleted)
    )


async def _undo_card(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = await member_form(services, body, caller, client)
    card_id = row_id(action.get("value"))
    if card_id is None:
        raise JourneyError(rules.CARD_GONE)
    await _delete_card(body, client, services, caller, form, card_id, undo=True)


on_undo_card = refusing_in_modal(_undo_card)


async def on_cards_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    form = await member_form(services, body, caller, client)
    page = row_id(action.get("value")) or 0
    turned = form.model_copy(update={"page": max(0, page)})
    await client.views_update(
        view_id=body["view"]["id"], view=await _editor(services, caller, turned, None)
    )


async def on_card_edited(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    if form is None or form.card_id is None:
        await answer_submission(ack, {Field.text: EXPIRED}, caller)
        return
    values = view["state"]["values"]
    try:
        errors = await services.core.run(
            cards.edit_card,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            card_id=form.card_id,
            actor_id=caller.user_id,
            column=selected_value(values, Field.column),
            text=text_value(values, Field.text),
            now=caller.now,
        )
    except JourneyError as error:
        errors = {Field.text: error.message}
    if not await answer_submission(ack, errors, caller):
        return
    # The editor under this form still shows the old text: bring it up to date.
    previous = view.get("previous_view_id")
    if previous:
        await client.views_update(
            view_id=previous, view=await _editor(services, caller, form, None)
        )


async def on_read_card(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    """A long card picked under its moment on the board: its whole text in a modal."""
    await ack()
    raw = str((action.get("selected_option") or {}).get("value", ""))
    raw_exercise, _sep, raw_card = raw.partition(":")
    exercise_id, card_id = row_id(raw_exercise), row_id(raw_card)
    if exercise_id is None or card_id is None:
        raise JourneyError(rules.CARD_GONE)

    async def build() -> View:
        # A board is read by the members of its channel only, whatever ids the menu carries.
        view = await exercise_for(services, caller, client, exercise_id)
        card = await services.core.read(
            cards.read_card, ws=caller.workspace, exercise_id=view.id, card_id=card_id
        )
        return card_text_modal(card, await caller.translator())

    await open_modal(client, body["trigger_id"], caller, build, push=clicked_in_modal(body))
