"""`/journey irritants [open|all] [category]`: the ranked, paginated list and its buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.i18n import N_, Translator
from bot.irritants import usecases
from bot.irritants.labels import category_named
from bot.irritants.rules import IrritantError
from bot.membership import Audience
from bot.tenancy import Workspace
from handlers.blocks.irritants import (
    Filter,
    ListState,
    count_text,
    empty_text,
    list_blocks,
    notice_block,
)
from handlers.blocks.modals import resolve_modal
from handlers.blocks.text import title_words
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.envelopes import is_slack_url, response_hosts
from handlers.forms import answer_submission, text_value
from handlers.ids import IrritantField
from handlers.irritants.readers import irritant_reader
from handlers.slack_services import SlackServices

PAGE_SIZE = 5
SCOPE_WORDS = {"open": "open", "ouverts": "open", "all": "all", "tous": "all"}
GONE = N_("This irritant no longer exists.")
EXPIRED = N_("This form is out of date; close it and open it again.")

# A use case (session, *, ws, irritant_id, actor_id, now, audience) -> the message's text.
Transition = Callable[..., str | None]


def parse_list_args(args: list[str]) -> ListState:
    scope = "open"
    if args and args[0].casefold() in SCOPE_WORDS:
        scope = SCOPE_WORDS[args[0].casefold()]
        args = args[1:]
    category = " ".join(args).strip() or None
    return ListState(scope, category, 0)


async def render(
    services: SlackServices,
    ws: Workspace,
    state: ListState,
    _: Translator,
    audience: Audience,
) -> tuple[str, list[Any]]:
    config = await services.core.read(usecases.workspace_config, ws=ws)
    category = state.category
    found = Filter(config.categories)
    if state.category is not None:
        category = category_named(state.category, config.categories)
        if category is None:  # a word that names no category matches nothing: say so
            found = Filter(config.categories, unknown_category=state.category)
            blocks = list_blocks([], state=state, total=0, page_size=PAGE_SIZE, found=found, _=_)
            return empty_text(state, found, "/journey", _), blocks
    page = await services.core.read(
        usecases.list_page,
        ws=ws,
        open_only=state.scope == "open",
        category=category,
        page=state.page,
        page_size=PAGE_SIZE,
        audience=audience,
    )
    shown = ListState(state.scope, category, page.number)
    blocks = list_blocks(
        page.items, state=shown, total=page.total, page_size=PAGE_SIZE, found=found, _=_
    )
    if not page.items:
        return empty_text(shown, found, "/journey", _), blocks
    return count_text(shown, page.total, _), blocks


async def irritants_command(call: CommandCall) -> None:
    await call.ack()
    audience = await irritant_reader(call.services, call.client, call.caller)
    text, blocks = await render(
        call.services, call.workspace, parse_list_args(call.parsed.args), call.translator, audience
    )
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def _show_list(
    respond: AsyncRespond,
    services: SlackServices,
    ws: Workspace,
    state: ListState,
    _: Translator,
    notice: str | None,
    audience: Audience,
) -> None:
    text, blocks = await render(services, ws, state, _, audience)
    if notice:
        blocks.insert(1, notice_block(notice))
    await respond(text=text, blocks=blocks, replace_original=True)


async def on_page(
    ack: AsyncAck,
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    state, _unused = ListState.decode(str(action.get("value", "")))
    audience = await irritant_reader(services, client, caller)
    _ = await caller.translator()
    await _show_list(respond, services, caller.workspace, state, _, None, audience)


async def _transition(
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
    change: Transition,
    done: str,
) -> None:
    _ = await caller.translator()
    audience = await irritant_reader(services, client, caller)
    state, irritant_id = ListState.decode(str(action.get("value", "")))
    try:
        if irritant_id is None:
            raise IrritantError(GONE)
        text = await services.core.run(
            change,
            ws=caller.workspace,
            irritant_id=irritant_id,
            actor_id=caller.user_id,
            now=caller.now,
            audience=audience,
        )
        notice = _(done, title=title_words(text) if text else _("This irritant"))
    except IrritantError as error:
        # Shown in the list itself: the person sees why, next to the item that didn't change.
        notice = _(error.message)
    await _show_list(respond, services, caller.workspace, state, _, notice, audience)


async def on_acknowledge(
    ack: AsyncAck,
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    await _transition(
        action,
        client,
        respond,
        services,
        caller,
        usecases.acknowledge,
        N_("*{title}* is acknowledged."),
    )


async def on_reopen(
    ack: AsyncAck,
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    await _transition(
        action,
        client,
        respond,
        services,
        caller,
        usecases.reopen,
        N_("*{title}* is open again."),
    )


class ResolveMetadata(BaseModel):
    """What the resolve modal remembers, sealed: the irritant, the list to refresh and where."""

    irritant_id: int
    list_state: str
    response_url: str | None


async def on_resolve_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    _ = await caller.translator()
    audience = await irritant_reader(services, client, caller)
    state, irritant_id = ListState.decode(str(action.get("value", "")))
    try:
        if irritant_id is None:
            raise IrritantError(GONE)
        form = await services.core.read(
            usecases.resolve_form, ws=caller.workspace, irritant_id=irritant_id, audience=audience
        )
    except IrritantError as error:
        notice = _(error.message)
        await _show_list(respond, services, caller.workspace, state, _, notice, audience)
        return
    # The response URL comes from this click's signed body, and the seal keeps it so.
    metadata = ResolveMetadata(
        irritant_id=irritant_id, list_state=state.encode(), response_url=body.get("response_url")
    )
    view = resolve_modal(
        private_metadata=services.seal.seal(metadata),
        form=form,
        _=_,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_resolve_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    metadata = services.seal.open(view.get("private_metadata"), ResolveMetadata)
    errors: dict[str, str]
    audience = await irritant_reader(services, client, caller)
    if metadata is None:
        errors = {IrritantField.resolution: EXPIRED}
    else:
        errors = await services.core.run(
            usecases.resolve,
            ws=caller.workspace,
            irritant_id=metadata.irritant_id,
            note=text_value(view["state"]["values"], IrritantField.resolution),
            actor_id=caller.user_id,
            now=caller.now,
            audience=audience,
        )
    if not await answer_submission(ack, errors, caller):
        return
    assert metadata is not None
    hosts = response_hosts(services.core.settings.slack_api_url)
    # Sealed from a click the edge checked; checked again, since the URL is what gets posted to.
    if metadata.response_url and is_slack_url(metadata.response_url, hosts):
        _ = await caller.translator()
        state, _unused = ListState.decode(metadata.list_state)
        text, blocks = await render(services, caller.workspace, state, _, audience)
        notice = _("Resolved: the people who reported it are being told.")
        blocks.insert(1, notice_block(notice))
        await AsyncWebhookClient(metadata.response_url).send(
            text=text, blocks=blocks, replace_original=True
        )
