"""The log filter that keeps tokens and response URLs out of every handler's output."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactSecrets, redact


def test_redact_patterns() -> None:
    # pragma: allowlist nextline secret
    text = "token xoxb-123-456-abc app xapp-1-A1-2-f url https://hooks.slack.com/commands/T1/2/x ok"
    cleaned = redact(text)
    assert "xoxb-" not in cleaned
    assert "xapp-" not in cleaned
    assert "hooks.slack.com" not in cleaned
    assert cleaned.endswith("ok")


def test_filter_cleans_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("journeybot.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("calling with %s", "xoxp-999-secret")  # pragma: allowlist secret
        try:
            raise RuntimeError("bad token xoxb-1-2-3")  # pragma: allowlist secret
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "xoxp-999" not in output
    assert "xoxb-1-2-3" not in output  # pragma: allowlist secret
    assert output.count("[redacted]") >= 2
