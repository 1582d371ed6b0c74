"""LOG_FORMAT=json: one object per line, the request id, and secrets still redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.log_json import JsonFormatter, RequestIdFilter, bind_request_id, reset_request_id
from bot.logs import RedactSecrets


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("journeybot.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_the_request_id(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.info("outside %s", "any request")
    token = bind_request_id("req-0001")
    try:
        logger.warning("inside with %d args", 2)
    finally:
        reset_request_id(token)
    first, second = _lines(stream)
    assert set(first) == {"time", "level", "logger", "message", "request_id"}
    assert first["request_id"] is None
    assert first["message"] == "outside any request"
    assert second["request_id"] == "req-0001"
    assert second["level"] == "WARNING"
    assert second["logger"] == "journeybot.test.json"
    assert str(second["time"]).endswith("+00:00")


def test_secrets_are_redacted_in_messages_and_tracebacks(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.info("token %s", "xoxb-123-456-secret")  # pragma: allowlist secret
    try:
        raise RuntimeError("bad xapp-1-A1-2-secret\nsecond line")
    except RuntimeError:
        logger.exception("failed")
    output = stream.getvalue()
    assert "456-secret" not in output
    assert "A1-2-secret" not in output
    message, failure = _lines(stream)
    assert message["message"] == "token [redacted]"
    assert "RuntimeError" in str(failure["exception"])
    assert output.count("\n") == 2  # the multi-line traceback stays inside its one line
