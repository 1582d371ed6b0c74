"""The alert's buttons: "I'll take it", "Not a request" and its undo.

A button's value is written by the client, so it only names a request id; the request is
looked up within the workspace that received the click (`caller.workspace`), and the alert
to update is the message the click came from, as Slack's signed body says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.i18n import N_
from bot.watcher import usecases
from bot.watcher.usecases import RequestError
from handlers.caller import Caller
from handlers.ids import row_id
from handlers.slack_services import SlackServices
from handlers.watcher import holding

GONE = N_("This request is no longer watched.")


def _request_id(action: dict[str, Any]) -> int | None:
    return row_id(action.get("value"))


def _alert_message(body: dict[str, Any]) -> tuple[str, str]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts") or ""
    return str(channel), str(ts)


async def _act(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
    change: Callable[..., Any],
) -> Any:
    _ = await caller.translator()
    request_id = _request_id(action)
    channel, ts = _alert_message(body)
    try:
        if request_id is None:
            raise RequestError(GONE)
        outcome = await services.core.run(
            change,
            ws=caller.workspace,
            request_id=request_id,
            user_id=caller.user_id,
            alert_channel_id=channel,
            alert_ts=ts,
            now=caller.now,
        )
    except RequestError as error:
        await respond(text=_(error.message), response_type="ephemeral", replace_original=False)
        return None
    return outcome  # the commit of what it enqueued woke the outbox relay (Core)


async def on_take(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    outcome = await _act(body, action, respond, services, caller, usecases.take)
    if outcome is not None and outcome.taken:
        # Only the taker sees the offer: the holding reply is optional, and theirs to send.
        text, blocks = holding.offer_blocks(outcome.request.id, await caller.translator())
        await respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    elif outcome is not None:
        _ = await caller.translator()
        by = outcome.request.acknowledged_by
        text = (
            _("<@{user}> already took this request.", user=by)
            if by
            else _("This request no longer needs anyone.")
        )
        await respond(text=text, response_type="ephemeral", replace_original=False)


async def on_dismiss(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    await _act(body, action, respond, services, caller, usecases.dismiss)


async def on_restore(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: SlackServices,
    caller: Caller,
) -> None:
    await ack()
    await _act(body, action, respond, services, caller, usecases.restore)
