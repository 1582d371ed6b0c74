"""Shared fixtures: a migrated database (SQLite or PostgreSQL), settings, a runtime."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.clock import FrozenClock
from bot.core import Core
from bot.settings import Settings, load_settings
from bot.wiring.app import make_core
from storage.db import make_session_factory
from tests import leak_guard
from tests.db import empty_all_tables, migrated_engine, scratch_database
from tests.slack_standin.inbound import Response, SlackSender
from tests.slack_standin.world import World

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"  # pragma: allowlist secret
BOT_TOKEN = "xoxb-1111-2222-testtoken"  # pragma: allowlist secret


LEAKS_ON_PURPOSE = "leaks_on_purpose"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{LEAKS_ON_PURPOSE}: the test logs a secret itself (to test the redaction filter)",
    )


@pytest.fixture(scope="session", autouse=True)
def _leak_guard() -> Iterator[leak_guard.LeakGuard]:
    """For the whole run: every log record and every answer of the bot is searched for
    tokens, the signing secret and message text (see tests/leak_guard.py)."""
    guard = leak_guard.LeakGuard(secrets=(SIGNING_SECRET,))
    post_message = World.post_message
    raw_post = SlackSender.raw_post

    def remembering_post_message(self: World, channel_id: str, **fields: Any) -> str:
        guard.add_message_text(str(fields.get("text", "")))
        return post_message(self, channel_id, **fields)

    def checked_raw_post(self: SlackSender, body: str, **fields: Any) -> Response:
        response = raw_post(self, body, **fields)
        # An answer may show a message to its reader; it must never carry a secret.
        guard.check(f"answer {response.status}", response.text, message_text_allowed=True)
        return response

    handler, levels = leak_guard.install(guard)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(World, "post_message", remembering_post_message)
        patch.setattr(SlackSender, "raw_post", checked_raw_post)
        yield guard
    leak_guard.uninstall(handler, levels)


@pytest.fixture(autouse=True)
def _no_leak_in_this_test(
    request: pytest.FixtureRequest, _leak_guard: leak_guard.LeakGuard
) -> Iterator[None]:
    _leak_guard.take()  # what a background thread logged after the previous test ended
    yield
    leaks = _leak_guard.take()
    if leaks and request.node.get_closest_marker(LEAKS_ON_PURPOSE) is None:
        pytest.fail(f"leaked: {leak_guard.describe(leaks)}", pytrace=False)


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings come from the test, never from the developer's shell or a .env file."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DATABASE_", "TOKEN_ENCRYPTION", "DEFAULT_LOCALE", "PORT")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = migrated_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The migrated engine, emptied after the test."""
    yield engine
    empty_all_tables(engine)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "database_url": database_url,
        # The most the setting allows: a test about something else must not get a 503 because
        # the machine running it is busy. The stalled-database test sets its own bound.
        "event_write_timeout": 2.5,
        "_env_file": None,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def runtime(db: Engine, settings: Settings, clock: FrozenClock) -> Core:
    return make_core(settings, make_session_factory(db), clock)
