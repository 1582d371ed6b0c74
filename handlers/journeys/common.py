"""What every journey listener shares: sealed form state, channel membership, the exercise id
a button carries (checked against what is stored, never trusted)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.journeys import rules
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import ExerciseView, exercise
from handlers.audience import channel_members
from handlers.blocks.journey_forms import loading_modal, notice_modal
from handlers.caller import Caller
from handlers.slack_services import SlackServices

ModalBuilder = Callable[[], Awaitable[View]]


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


def action_exercise_id(action: dict[str, Any]) -> int:
    value = str(action.get("value") or "").split(":")[0]
    try:
        return int(value)
    except ValueError:
        raise JourneyError(rules.GONE) from None


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
