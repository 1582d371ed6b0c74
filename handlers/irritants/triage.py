"""`/journey irritants [open|all] [category]`: the ranked, paginated list and its buttons."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from sqlalchemy.orm import Session

from bot import irritants
from bot.i18n import N_, Translator
from bot.irritants import IrritantError, Workspace
from handlers.blocks.irritants import IrritantCard, ListState, list_blocks, notice_block
from handlers.blocks.modals import resolve_modal
from handlers.commands.journey import CommandCall
from handlers.ids import IrritantField
from handlers.irritants.common import workspace_of
from handlers.irritants.forms import text_value, translated_errors
from handlers.services import Services
from storage.repositories import irritants as repo

PAGE_SIZE = 5
SCOPE_WORDS = {"open": "open", "ouverts": "open", "all": "all", "tous": "all"}


def parse_list_args(args: list[str]) -> ListState:
    scope = "open"
    if args and args[0].casefold() in SCOPE_WORDS:
        scope = SCOPE_WORDS[args[0].casefold()]
        args = args[1:]
    category = " ".join(args).strip() or None
    return ListState(scope, category, 0)


def load_page(
    session: Session, *, ws: Workspace, state: ListState
) -> tuple[list[IrritantCard], int, ListState]:
    page = repo.ranked_page(
        session,
        team_id=ws.team_id,
        open_only=state.scope == "open",
        category=state.category,
        offset=state.page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    if not page.irritants and state.page > 0 and page.total:
        # The page emptied under us (items resolved): show the last page that has items.
        last = ListState(state.scope, state.category, (page.total - 1) // PAGE_SIZE)
        return load_page(session, ws=ws, state=last)
    cards = [
        IrritantCard(
            id=irritant.id,
            channel_id=irritant.channel_id,
            text=irritant.message_text,
            text_status=irritant.text_status,
            permalink=irritant.permalink,
            status=irritant.status,
            category=irritant.category,
            severity=irritant.severity,
            reporters=count,
        )
        for irritant, count in page.irritants
    ]
    return cards, page.total, state


async def render(
    services: Services, ws: Workspace, state: ListState, _: Translator
) -> tuple[str, list[Any]]:
    cards, total, state = await services.runtime.run(load_page, ws=ws, state=state)
    blocks = list_blocks(cards, state=state, total=total, page_size=PAGE_SIZE, _=_)
    fallback = _("{total} irritant(s)", total=total)
    return fallback, blocks


async def irritants_command(call: CommandCall) -> None:
    await call.ack()
    ws = workspace_of(call.context, call.body)
    text, blocks = await render(
        call.services, ws, parse_list_args(call.parsed.args), call.translator
    )
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def _after_change(
    respond: AsyncRespond,
    services: Services,
    ws: Workspace,
    state: ListState,
    _: Translator,
    notice: str | None,
) -> None:
    text, blocks = await render(services, ws, state, _)
    if notice:
        blocks.insert(1, notice_block(notice))
    await respond(text=text, blocks=blocks, replace_original=True)


async def on_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    ws = workspace_of(context, body)
    _ = await services.translator(client, ws.team_id, body["user"]["id"])
    state, _unused = ListState.decode(action["value"])
    await _after_change(respond, services, ws, state, _, None)


async def _transition(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
    change: Any,
    done: str,
) -> None:
    ws = workspace_of(context, body)
    user_id = body["user"]["id"]
    _ = await services.translator(client, ws.team_id, user_id)
    state, irritant_id = ListState.decode(action["value"])
    notice = _(done, id=irritant_id)
    try:
        await services.runtime.run(
            change,
            ws=ws,
            irritant_id=irritant_id,
            actor_id=user_id,
            now=services.runtime.clock.now(),
        )
    except IrritantError as error:
        notice = _(error.message)
    await _after_change(respond, services, ws, state, _, notice)


async def on_acknowledge(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    await _transition(
        body,
        action,
        client,
        context,
        respond,
        services,
        irritants.acknowledge,
        N_("Irritant #{id} acknowledged."),
    )


async def on_reopen(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    await _transition(
        body,
        action,
        client,
        context,
        respond,
        services,
        irritants.reopen,
        N_("Irritant #{id} reopened."),
    )


def _resolve_context(
    session: Session, *, ws: Workspace, irritant_id: int
) -> tuple[str | None, int]:
    irritant = irritants.get(session, ws=ws, irritant_id=irritant_id)
    return irritant.message_text, len(
        repo.reporters(session, team_id=ws.team_id, irritant_id=irritant_id)
    )


async def on_resolve_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    ws = workspace_of(context, body)
    _ = await services.translator(client, ws.team_id, body["user"]["id"])
    state, irritant_id = ListState.decode(action["value"])
    try:
        excerpt, reporters = await services.runtime.run(
            _resolve_context, ws=ws, irritant_id=irritant_id
        )
    except IrritantError as error:
        await _after_change(respond, services, ws, state, _, _(error.message))
        return
    metadata = {"id": irritant_id, "list": state.encode(), "url": body.get("response_url")}
    view = resolve_modal(
        private_metadata=json.dumps(metadata), excerpt=excerpt, reporters=reporters, _=_
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def _resolve(
    session: Session, *, ws: Workspace, irritant_id: int, note: str | None, actor_id: str, now: Any
) -> dict[str, str]:
    cleaned, errors = irritants.validate_resolution(note)
    if cleaned is None:
        return errors
    irritants.resolve(
        session, ws=ws, irritant_id=irritant_id, actor_id=actor_id, note=cleaned, now=now
    )
    return {}


async def on_resolve_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    ws = workspace_of(context, body)
    user_id = body["user"]["id"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    try:
        errors = await services.runtime.run(
            _resolve,
            ws=ws,
            irritant_id=int(metadata["id"]),
            note=text_value(view["state"]["values"], IrritantField.resolution),
            actor_id=user_id,
            now=services.runtime.clock.now(),
        )
    except IrritantError as error:
        errors = {IrritantField.resolution: error.message}
    _ = await services.translator(client, ws.team_id, user_id)
    if errors:
        await ack(response_action="errors", errors=translated_errors(errors, _))
        return
    await ack()
    services.wake_outbox()
    response_url = metadata.get("url")
    if response_url:
        state, _unused = ListState.decode(metadata["list"])
        text, blocks = await render(services, ws, state, _)
        blocks.insert(
            1,
            notice_block(
                _("Irritant #{id} resolved; its reporters are being told.", id=metadata["id"])
            ),
        )
        await AsyncWebhookClient(response_url).send(text=text, blocks=blocks, replace_original=True)
