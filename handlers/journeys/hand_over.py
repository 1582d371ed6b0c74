"""The facilitator hands the role to another member of the exercise's channel: the modal,
its inline checks, and the DM the new facilitator gets."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.journeys import facilitator, rules, usecases
from bot.journeys.outbox import HAND_OVER, HandOver
from bot.journeys.rules import Field, JourneyError
from bot.journeys.usecases import ExerciseView
from bot.tenancy import Workspace
from handlers.blocks.journey_board import exercise_title
from handlers.blocks.journey_cards import hand_over_modal
from handlers.blocks.text import escape
from handlers.caller import Caller
from handlers.feature import Sender
from handlers.forms import answer_submission
from handlers.journeys.common import (
    EXPIRED,
    ExerciseForm,
    exercise_heading,
    exercise_modal_button,
    is_member,
    own_form,
)
from handlers.slack_services import SlackServices


def _chosen_user(values: dict[str, Any]) -> str | None:
    value = (values.get(Field.facilitator) or {}).get("value") or {}
    chosen = value.get("selected_user")
    return str(chosen) if chosen else None


async def _is_person(client: AsyncWebClient, user_id: str) -> bool:
    """Not an app, not a deactivated account."""
    try:
        user = (await client.users_info(user=user_id)).get("user") or {}
    except SlackApiError:
        return False
    return not (user.get("is_bot") or user.get("deleted"))


async def _hand_over_form(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    _ = await caller.translator()
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return hand_over_modal(
        private_metadata=services.seal.seal(form), heading=exercise_heading(view, _), _=_
    )


on_hand_over_button = exercise_modal_button(
    _hand_over_form, contribute=False, facilitator_only=True
)


async def on_hand_over_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    if form is None:
        await answer_submission(ack, {Field.facilitator: EXPIRED}, caller)
        return
    chosen = _chosen_user(view["state"]["values"])
    found = await services.core.read(
        usecases.exercise, ws=caller.workspace, exercise_id=form.exercise_id
    )
    if found is None:
        await answer_submission(ack, {Field.facilitator: rules.GONE}, caller)
        return
    # Who the person is and channel membership are Slack's to say; the rest is checked
    # against what is stored.
    if chosen is not None and not await _is_person(client, chosen):
        await answer_submission(ack, {Field.facilitator: rules.HAND_OVER_NOT_PERSON}, caller)
        return
    if chosen is not None and not await is_member(client, found.channel_id, chosen):
        await answer_submission(ack, {Field.facilitator: rules.HAND_OVER_NOT_MEMBER}, caller)
        return
    try:
        errors = await services.core.run(
            facilitator.hand_over,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            actor_id=caller.user_id,
            to_user=chosen,
            now=caller.now,
        )
    except JourneyError as error:
        errors = {Field.facilitator: error.message}
    await answer_submission(ack, errors, caller)


def hand_over_sender(services: SlackServices) -> Sender[HandOver]:
    """The new facilitator's DM, in their own language."""

    async def send(ws: Workspace, payload: HandOver) -> None:
        view = await services.core.read(usecases.exercise, ws=ws, exercise_id=payload.exercise_id)
        if view is None or view.facilitator_id != payload.to_user:
            return  # gone, or handed over again since: this news is stale
        client = await services.clients.for_workspace(ws.team_id, ws.enterprise_id)
        _: Translator = await services.translator(client, ws.team_id, payload.to_user)
        text = _(
            "<@{user}> handed you the facilitation of exercise {title} in <#{channel}>. "
            "The exercise message's Next phase and Edit moments buttons now answer to you, "
            "and you make the promises at the end.",
            user=payload.from_user,
            title=escape(exercise_title(view, _)),
            channel=view.channel_id,
        )
        opened = await client.conversations_open(users=payload.to_user)
        await client.chat_postMessage(channel=opened["channel"]["id"], text=text)

    return Sender(HAND_OVER, send)
