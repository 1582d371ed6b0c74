"""Logging set-up, with a filter that keeps Slack secrets out of every log line.

`LOG_FORMAT=json` writes one JSON object per line (see `bot.log_json`), each carrying the
id of the HTTP request it belongs to.
"""

from __future__ import annotations

import logging
import re

from bot.log_json import JsonFormatter, RequestIdFilter

# Bot/user/refresh tokens (xoxb-, xoxp-, xoxe-…), app tokens (xapp-) and response URLs
# (which act as bearer credentials for 30 minutes).
SECRET_PATTERN = re.compile(
    r"(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|https://hooks\.slack\.com/[^\s\"']+)"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return SECRET_PATTERN.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (with its arguments and traceback) before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs whole request bodies at DEBUG; keep it quieter than ours.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
