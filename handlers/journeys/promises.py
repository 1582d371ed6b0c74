"""Step five: the facilitator's "Make a promise" modal, and the one click that makes a
promise with a window its channel's watch."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Translator
from bot.journeys import promising
from bot.journeys.board import PROMISE_TEXT_MAX
from bot.journeys.promising import Idea
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import ExerciseView
from handlers.blocks.journey_forms import form_modal
from handlers.blocks.text import clip
from handlers.caller import Caller
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import JourneyView, row_id
from handlers.journeys.common import EXPIRED, ExerciseForm, exercise_modal_button, own_form
from handlers.slack_services import SlackServices

BUSINESS = "business"


def promise_modal(view: ExerciseView, ideas: list[Idea], metadata: str, _: Translator) -> View:
    options = [
        Option(
            text=clip(
                _.ngettext("({count} vote)", "({count} votes)", idea.votes)
                + " "
                + " ".join(idea.text.split()),
                75,
            ),
            value=str(idea.card_id),
        )
        for idea in ideas
    ]
    blocks: list[Block] = [
        InputBlock(
            block_id=promising.CARD_FIELD,
            label=_("The idea it comes from"),
            element=StaticSelectElement(
                action_id="value", options=options, initial_option=options[0]
            ),
        ),
        InputBlock(
            block_id=promising.TEXT_FIELD,
            label=_("The promise, as the client will read it"),
            hint=_("Empty: the idea's own words."),
            optional=True,
            element=PlainTextInputElement(
                action_id="value", max_length=PROMISE_TEXT_MAX, multiline=True
            ),
        ),
        InputBlock(
            block_id=promising.CHANNEL_FIELD,
            label=_("The channel it applies to"),
            element=ConversationSelectElement(
                action_id="value",
                initial_conversation=view.channel_id,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id=promising.WINDOW_FIELD,
            label=_("Response time"),
            hint=_(
                "For a response-time promise, such as 24h or 4h. It is enforced only once "
                "you make it the channel's watch."
            ),
            optional=True,
            element=PlainTextInputElement(action_id="value", max_length=16),
        ),
        InputBlock(
            block_id=BUSINESS,
            label=_("Business hours"),
            optional=True,
            element=CheckboxesElement(
                action_id="value",
                options=[
                    Option(
                        text=_("Count only Monday to Friday, 9:00 to 17:00, in my time zone"),
                        value="yes",
                    )
                ],
            ),
        ),
    ]
    return form_modal(
        JourneyView.promise,
        private_metadata=metadata,
        title_text=_("Make a promise"),
        submit=_("Promise"),
        blocks=blocks,
        _=_,
    )


async def _promise_form(view: ExerciseView, services: SlackServices, caller: Caller) -> View:
    ideas = await services.core.read(promising.ideas, ws=caller.workspace, exercise_id=view.id)
    if not ideas:
        raise JourneyError(promising.NO_CARD)
    _ = await caller.translator()
    form = ExerciseForm(exercise_id=view.id, user_id=caller.user_id)
    return promise_modal(view, ideas, services.seal.seal(form), _)


on_promise_button = exercise_modal_button(_promise_form, contribute=False, facilitator_only=True)


async def _timezone(client: AsyncWebClient, user_id: str) -> str | None:
    try:
        found = await client.users_info(user=user_id)
    except SlackApiError:
        return None
    zone = (found.get("user") or {}).get("tz")
    return str(zone) if zone else None


async def on_promise_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    form = own_form(services, caller, view.get("private_metadata"))
    values = view["state"]["values"]
    if form is None:
        await answer_submission(ack, {promising.TEXT_FIELD: EXPIRED}, caller)
        return
    card = selected_value(values, promising.CARD_FIELD)
    picked = ((values.get(promising.CHANNEL_FIELD) or {}).get("value") or {}).get(
        "selected_conversation"
    )
    business = bool(((values.get(BUSINESS) or {}).get("value") or {}).get("selected_options"))
    try:
        errors = await services.core.run(
            promising.make_promise,
            ws=caller.workspace,
            exercise_id=form.exercise_id,
            actor_id=caller.user_id,
            card_id=row_id(card),
            text=text_value(values, promising.TEXT_FIELD),
            channel_id=str(picked) if picked else None,
            window=text_value(values, promising.WINDOW_FIELD),
            business_timezone=await _timezone(client, caller.user_id) if business else None,
            now=caller.now,
        )
    except JourneyError as error:
        errors = {promising.TEXT_FIELD: error.message}
    await answer_submission(ack, errors, caller)


async def on_make_watch(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    try:
        promise_id = int(str(action.get("value")))
    except ValueError:
        raise JourneyError(promising.NOT_A_DRAFT) from None
    watch = await services.core.run(
        promising.make_watch,
        ws=caller.workspace,
        promise_id=promise_id,
        actor_id=caller.user_id,
        now=caller.now,
    )
    _ = await caller.translator()
    await respond(
        text=_(
            "Done: <#{channel}> is now watched against “{text}”.",
            channel=watch.channel_id,
            text=clip(watch.text, 200),
        ),
        response_type="ephemeral",
        replace_original=False,
    )
