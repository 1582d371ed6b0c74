"""The one error handler: rule refusals in the reader's language, an apology with a
reference for the rest (and the details in the log, never the body)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse

from bot.errors import DomainError
from bot.ingest import IngestTimeout
from handlers.caller import Caller

log = logging.getLogger(__name__)


def _json(status: int, payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=status, body=json.dumps(payload), headers={"content-type": "application/json"}
    )


async def _refusal(
    error: DomainError, kind: str, context: AsyncBoltContext, respond: AsyncRespond | None
) -> BoltResponse:
    """A rule said no: tell the person why, where they are looking."""
    caller = context.get("caller")
    text = (
        (await caller.translator())(error.message) if isinstance(caller, Caller) else error.message
    )
    if kind == "view_submission" and error.field:
        return _json(200, {"response_action": "errors", "errors": {error.field: text}})
    if kind == "block_actions" and respond is not None and respond.response_url:
        await respond(text=text, response_type="ephemeral", replace_original=False)
        return BoltResponse(status=200, body="")
    # A click without a response_url (Bolt's `respond` would raise) gets the text in the
    # answer, which Slack ignores: the refusal is quiet, never a second error.
    return _json(200, {"response_type": "ephemeral", "text": text})


def register(app: AsyncApp) -> None:
    async def on_error(
        error: Exception,
        body: dict[str, Any],
        context: AsyncBoltContext,
        respond: AsyncRespond | None = None,
    ) -> BoltResponse:
        kind = str(body.get("type") or ("command" if "command" in body else "unknown"))
        if isinstance(error, IngestTimeout):
            # The database is slow: Slack retries a non-2xx, and the inbox dedupes the retry.
            log.warning("event not stored in time; answering 503 so Slack retries")
            return _json(503, {"error": "busy"})
        if isinstance(error, DomainError) and kind != "event_callback":
            return await _refusal(error, kind, context, respond)
        reference = uuid.uuid4().hex[:12]
        # Never log the body: it may carry message text and response URLs.
        log.error(
            "unhandled error ref=%s kind=%s: %s",
            reference,
            kind,
            type(error).__name__,
            exc_info=error,
        )
        if kind == "event_callback":
            # A non-2xx makes Slack retry the event; its event_id is deduplicated then.
            return _json(500, {"error": "internal", "ref": reference})
        # Commands and interactivity are never retried by Slack: tell the person instead.
        text = f"Something went wrong on our side (reference {reference}). Please try again."
        return _json(200, {"response_type": "ephemeral", "text": text})

    app.error(on_error)
