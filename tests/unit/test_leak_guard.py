"""The session-wide leak watch (tests/leak_guard.py) does see what it is there to catch, and
the app refuses to start without the secret that authenticates Slack (RELIABILITY.md row 4)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import leak_guard
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


def _guard_with_handler() -> tuple[leak_guard.LeakGuard, logging.Logger, leak_guard.LeakHandler]:
    guard = leak_guard.LeakGuard(secrets=(SIGNING_SECRET,))
    guard.add_message_text("Where is my refund, third time asking?")
    guard.add_message_text("ok")  # too short to be told from an ordinary word
    logger = logging.getLogger("bot.test_leak_guard")
    handler = leak_guard.LeakHandler(guard)
    logger.addHandler(handler)
    return guard, logger, handler


@pytest.mark.leaks_on_purpose
def test_a_token_a_secret_or_message_text_in_a_record_is_caught() -> None:
    guard, logger, handler = _guard_with_handler()
    try:
        logger.info("calling with %s", BOT_TOKEN)
        logger.warning("signature made with %s", SIGNING_SECRET)
        try:
            raise RuntimeError("Where is my refund, third time asking? xapp-1-A-2")
        except RuntimeError:
            logger.exception("failed")
        logger.info("all ok")
    finally:
        logger.removeHandler(handler)
    found = {(leak.where, leak.what) for leak in guard.take()}
    assert found == {
        ("log bot.test_leak_guard INFO", "a token"),
        ("log bot.test_leak_guard WARNING", "the signing secret"),
        ("log bot.test_leak_guard ERROR", "a token"),
        ("log bot.test_leak_guard ERROR", "message text"),
    }
    assert SIGNING_SECRET not in leak_guard.describe(guard.take())


def test_the_app_refuses_to_start_without_a_signing_secret(tmp_path: Path) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "DATABASE_", "TOKEN_ENCRYPTION", "PORT"))
    }
    environment.update(
        SLACK_BOT_TOKEN=BOT_TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'journeybot.db'}"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "SLACK_SIGNING_SECRET is required in HTTP mode" in done.stderr
    assert BOT_TOKEN not in done.stderr + done.stdout
    assert not (tmp_path / "journeybot.db").exists()  # refused before touching anything
