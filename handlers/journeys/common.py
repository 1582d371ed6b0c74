"""What every journey listener shares: sealed form state, channel membership, the exercise id
a button carries (checked against what is stored, never trusted)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import N_, Translator
from bot.journeys import rules
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import ExerciseView, exercise
from handlers.audience import channel_members
from handlers.blocks.journey_board import exercise_title
from handlers.blocks.journey_forms import loading_modal, notice_modal
from handlers.blocks.text import escape
from handlers.caller import Caller
from handlers.ids import row_id
from handlers.slack_services import SlackServices

EXPIRED = N_("This form is out of date; close it and open it again.")

ModalBuilder = Callable[[], Awaitable[View]]
ExerciseModalBuilder = Callable[[ExerciseView, SlackServices, Caller], Awaitable[View]]
ModalClick = Callable[
    [dict[str, Any], dict[str, Any], AsyncWebClient, SlackServices, Caller], Awaitable[None]
]
ActionListener = Callable[
    [AsyncAck, dict[str, Any], dict[str, Any], AsyncWebClient, SlackServices, Caller],
    Awaitable[None],
]


class ExerciseForm(BaseModel):
    """What a journey modal remembers, sealed: which exercise, for whom, and modal state."""

    exercise_id: int
    user_id: str
    page: int = 0
    moment_id: int | None = None
    card_id: int | None = None


def own_form(services: SlackServices, caller: Caller, metadata: object) -> ExerciseForm | None:
    """The sealed form state of a journey modal, if it was opened by this person."""
    form = services.seal.open(metadata if isinstance(metadata, str) else None, ExerciseForm)
    return form if form is not None and form.user_id == caller.user_id else None


async def is_member(client: AsyncWebClient, channel_id: str, user_id: str) -> bool:
    try:
        return user_id in await channel_members(client, channel_id)
    except SlackApiError:
        return False


def modal_form(services: SlackServices, body: dict[str, Any], caller: Caller) -> ExerciseForm:
    """The sealed state of the journey modal a click came from; an expired or someone else's
    modal is refused."""
    form = own_form(services, caller, (body.get("view") or {}).get("private_metadata"))
    if form is None:
        raise JourneyError(EXPIRED)
    return form


def parse_int(text: object) -> int | None:
    """A small signed number a menu carries (a feeling from -2 to +2), None when not one."""
    try:
        return int(str(text))
    except ValueError:
        return None


def exercise_heading(view: ExerciseView, _: Translator) -> str:
    """The exercise's title in bold, atop the modals opened from its message."""
    return f"*{escape(exercise_title(view, _))}*"


def action_exercise_id(action: dict[str, Any]) -> int:
    exercise_id = row_id(str(action.get("value") or "").split(":")[0])
    if exercise_id is None:
        raise JourneyError(rules.GONE)
    return exercise_id


def payload_channel(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return channel.get("id") or container.get("channel_id")


async def exercise_for(
    services: SlackServices,
    caller: Caller,
    client: AsyncWebClient,
    exercise_id: int,
    *,
    channel_id: str | None = None,
    contribute: bool = True,
) -> ExerciseView:
    """The stored exercise of this workspace, when the caller may act on it.

    A payload naming another workspace's exercise finds nothing (queries are scoped by the
    installation's workspace); one clicked from another channel than the exercise's is
    refused; contributing needs membership of the exercise's own channel.
    """
    found = await services.core.read(exercise, ws=caller.workspace, exercise_id=exercise_id)
    if found is None or (channel_id is not None and channel_id != found.channel_id):
        raise JourneyError(rules.GONE)
    if contribute and not await is_member(client, found.channel_id, caller.user_id):
        raise JourneyError(rules.NOT_MEMBER)
    return found


async def member_form(
    services: SlackServices, body: dict[str, Any], caller: Caller, client: AsyncWebClient
) -> ExerciseForm:
    """The modal's sealed state, once the person is still a member of the exercise's channel."""
    form = modal_form(services, body, caller)
    await exercise_for(services, caller, client, form.exercise_id)
    return form


def clicked_in_modal(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


async def open_modal(
    client: AsyncWebClient,
    trigger_id: str,
    caller: Caller,
    build: ModalBuilder,
    *,
    push: bool = False,
) -> None:
    """Open a loading modal at once (a trigger lasts three seconds), then build the real one
    (membership, the database) and put it in place; a refusal is shown in the modal.

    `push` stacks it on the modal the click came from (Slack refuses `views.open` there)."""
    _ = await caller.translator()
    if push:
        opened = await client.views_push(trigger_id=trigger_id, view=loading_modal(_))
    else:
        opened = await client.views_open(trigger_id=trigger_id, view=loading_modal(_))
    view = opened["view"]
    try:
        ready = await build()
    except JourneyError as error:
        ready = notice_modal(_(error.message), _)
    await client.views_update(view_id=view["id"], hash=view.get("hash"), view=ready)


async def refuse_in_modal(
    client: AsyncWebClient, body: dict[str, Any], caller: Caller, error: JourneyError
) -> None:
    """A click inside a modal has no response URL, so the one error handler's ephemeral
    answer would go nowhere: the refusal is pushed on top of the modal instead."""
    _ = await caller.translator()
    await client.views_push(trigger_id=body["trigger_id"], view=notice_modal(_(error.message), _))


def exercise_modal_button(
    build: ExerciseModalBuilder,
    *,
    contribute: bool = True,
    facilitator_only: bool = False,
    from_board_too: bool = False,
) -> ActionListener:
    """The listener of an exercise message's button that opens a modal: the exercise its value
    names, checked (its own channel, membership to contribute, the facilitator's own buttons),
    then `build` for it; a refusal is shown in the modal.

    `from_board_too`: the button also stands in the board modal, whose clicks carry no
    channel; the modal is then stacked on the board (membership is checked either way)."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        services: SlackServices,
        caller: Caller,
    ) -> None:
        await ack()
        in_modal = from_board_too and clicked_in_modal(body)

        async def build_checked() -> View:
            view = await exercise_for(
                services,
                caller,
                client,
                action_exercise_id(action),
                channel_id=None if in_modal else payload_channel(body),
                contribute=contribute,
            )
            if facilitator_only and view.facilitator_id != caller.user_id:
                raise JourneyError(rules.NOT_FACILITATOR)
            return await build(view, services, caller)

        await open_modal(client, body["trigger_id"], caller, build_checked, push=in_modal)

    return listener


def refusing_in_modal(click: ModalClick) -> ActionListener:
    """The listener of a click inside a journey modal: acknowledged at once, and a refusal
    shown on top of the modal (see refuse_in_modal)."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        services: SlackServices,
        caller: Caller,
    ) -> None:
        await ack()
        try:
            await click(body, action, client, services, caller)
        except JourneyError as error:
            await refuse_in_modal(client, body, caller, error)

    return listener
