"""The personal ballot: the Vote button opens it for whoever clicked; votes go on and off."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.journeys import contribute, rules
from bot.journeys.contribute import Ballot
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import ExerciseView
from handlers.blocks.journey_board import ballot_blocks
from handlers.blocks.journey_forms import editor_modal
from handlers.caller import Caller
from handlers.ids import JourneyView
from handlers.journeys.common import (
    ExerciseForm,
    exercise_for,
    exercise_modal_button,
    modal_form,
    refusing_in_modal,
)
from handlers.slack_services import SlackServices


def ballot_view(ballot: Ballot, form: ExerciseForm, services: SlackServices, _: Translator) -> View:
    return editor_modal(
        JourneyView.ballot,
        private_metadata=services.seal.seal(form),
        title_text=_("Your votes"),
        blocks=ballot_blocks(ballot, form.page, _),
        _=_,
    )


async def _ballot_modal(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    ballot = await services.core.read(
        contribute.ballot, ws=caller.workspace, exercise_id=view.id, user_id=caller.user_id
    )
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    _ = await caller.translator()
    return ballot_view(ballot, form, services, _)


on_vote_button = exercise_modal_button(_ballot_modal)


def _parse(value: str) -> tuple[int, int, int]:
    """A ballot button's value: card id, the votes spent when shown, and the page."""
    try:
        card_id, spent, page = (int(part) for part in value.split(":"))
    except ValueError:
        raise JourneyError(rules.CARD_GONE) from None
    return card_id, spent, page


async def _on_ballot_click(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
    *,
    take_back: bool,
) -> None:
    form = modal_form(services, body, caller)
    card_id, spent, page = _parse(str(action.get("value") or ""))
    await exercise_for(services, caller, client, form.exercise_id)  # still a member
    ballot = await services.core.run(
        contribute.vote,
        ws=caller.workspace,
        exercise_id=form.exercise_id,
        card_id=card_id,
        user_id=caller.user_id,
        expected_spent=spent,
        take_back=take_back,
        now=caller.now,
    )
    _ = await caller.translator()
    form = form.model_copy(update={"page": page})
    await client.views_update(
        view_id=body["view"]["id"], view=ballot_view(ballot, form, services, _)
    )


on_cast = refusing_in_modal(partial(_on_ballot_click, take_back=False))
on_take_back = refusing_in_modal(partial(_on_ballot_click, take_back=True))


async def on_ballot_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    form = modal_form(services, body, caller)
    try:
        page = int(str(action.get("value") or "").rpartition(":")[2])
    except ValueError:
        page = 0
    ballot = await services.core.read(
        contribute.ballot, ws=caller.workspace, exercise_id=form.exercise_id, user_id=caller.user_id
    )
    _ = await caller.translator()
    form = form.model_copy(update={"page": page})
    await client.views_update(
        view_id=body["view"]["id"], view=ballot_view(ballot, form, services, _)
    )
