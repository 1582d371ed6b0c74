"""JSON log lines and the request id that ties them to one HTTP request.

Each line is one object: `time` (UTC, ISO 8601), `level`, `logger`, `message`,
`request_id` (null outside a request) and, after an error, `exception`. The redaction filter
in `bot.logs` runs first, so the message and traceback are already clean here.
"""

from __future__ import annotations

import json
import logging
import secrets
from contextvars import ContextVar, Token
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str | None] = ContextVar("journeybot_request_id", default=None)


def new_request_id() -> str:
    # 128 random bits as 32 hex digits, like a uuid4's hex, at a third of its cost (hot path).
    return secrets.token_hex(16)


def bind_request_id(value: str) -> Token[str | None]:
    """Set the id for this task and those it starts (asyncio copies the context)."""
    return REQUEST_ID.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    REQUEST_ID.reset(token)


def current_request_id() -> str | None:
    return REQUEST_ID.get()


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id (text lines can show it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; never the record's raw arguments, only the final message."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
