"""The one error handler: users get a short apology with a reference, logs get the rest."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        reference = uuid.uuid4().hex[:12]
        kind = body.get("type") or ("command" if "command" in body else "unknown")
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
            return BoltResponse(
                status=500, body=json.dumps({"error": "internal", "ref": reference})
            )
        # Commands and interactivity are never retried by Slack: tell the person instead.
        text = f"Something went wrong on our side (reference {reference}). Please try again."
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", "text": text}),
            headers={"content-type": "application/json"},
        )

    app.error(on_error)
