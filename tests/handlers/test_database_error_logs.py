"""A database error's log line names the statement, never its bound parameters: message
text, notes and user ids stay out of the logs (every engine has `hide_parameters`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, Slack
from tests.handlers.payloads import message_shortcut, selected, submit_view, text_input

SECRET_NOTE = "the-client-swore-at-us-SECRET"  # pragma: allowlist secret
SECRET_TEXT = "my card number is 4970-SECRET"  # pragma: allowlist secret


@pytest.fixture
def failing_irritant_insert(db: Engine) -> Iterator[None]:
    """The database refuses the report's insert, as a full disk or a lost server would."""
    dbapi_error = db.dialect.loaded_dbapi.OperationalError

    def refuse(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO IRRITANTS"):
            raise dbapi_error("disk I/O error")

    event.listen(db, "before_cursor_execute", refuse)
    yield
    event.remove(db, "before_cursor_execute", refuse)


def test_a_database_error_logs_no_bound_parameter(
    slack: Slack, failing_irritant_insert: None, caplog: pytest.LogCaptureFixture
) -> None:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text=SECRET_TEXT)
    assert message_shortcut(slack, user=ANNA, ts=ts, text=SECRET_TEXT, author=CHLOE) == 200
    [opened] = slack.standin.wait_for("views.open")
    view = opened.args["view"]
    view = dict(json.loads(view) if isinstance(view, str) else view)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        submit_view(
            slack,
            view,
            {
                "category": selected("delay"),
                "severity": selected("3", "radio_buttons"),
                "note": text_input(SECRET_NOTE),
            },
            user=ANNA,
        )

    logged = caplog.text  # every record, with its formatted traceback
    assert "OperationalError" in logged, "the database error was not logged: proves nothing"
    assert "INSERT INTO irritants" in logged  # the statement is there to debug with
    for secret in (SECRET_NOTE, SECRET_TEXT, ANNA, CHLOE, ts):
        assert secret not in logged
