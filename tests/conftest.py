"""Shared fixtures: a migrated database (SQLite or PostgreSQL), settings, a runtime."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.clock import FrozenClock
from bot.core import Core
from bot.settings import Settings, load_settings
from bot.wiring.app import make_core
from storage.db import make_session_factory
from tests.db import empty_all_tables, migrated_engine, scratch_database

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-1111-2222-testtoken"


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
