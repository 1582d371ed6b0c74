"""`journeybot doctor`: one line per broken setting, database problem and scope."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from handlers.scopes import BOT_SCOPES
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.slack_standin import SlackStandIn

TEAM = "T0DOCTOR"
APP_TOKEN = "xapp-1-A0JOURNEY-1-doctor"
NARROW_TOKEN = "xoxb-3333-4444-narrow"  # pragma: allowlist secret
STATUSES = ("ok", "warn", "skip", "FAIL")


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(app_token=APP_TOKEN) as running:
        running.add_workspace(
            TEAM,
            name="Doctor",
            bot_token=BOT_TOKEN,
            bot_user_id="U0BOT",
            bot_id="B0BOT",
            scopes=list(BOT_SCOPES),
        )
        granted = [scope for scope in BOT_SCOPES if scope not in ("reactions:write", "files:write")]
        running.add_workspace(
            "T0NARROW",
            name="Narrow",
            bot_token=NARROW_TOKEN,
            bot_user_id="U0BOT2",
            bot_id="B0BOT2",
            scopes=[*granted, "team:read"],
        )
        yield running


def doctor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **env: str
) -> tuple[int, list[str]]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["doctor"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    for line in lines:
        assert line.split(" ", 1)[0] in STATUSES, line
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, NARROW_TOKEN):
        assert secret not in out
    return code, lines


def only(lines: list[str], status: str, subject: str) -> str:
    matching = [line for line in lines if line.startswith(f"{status:<4} {subject}:")]
    assert len(matching) == 1, lines
    return matching[0]


def test_a_healthy_http_setup_is_all_ok(
    db: Engine,
    database_url: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = doctor(
        monkeypatch,
        capsys,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
    )
    assert code == 0, lines
    assert [line.split()[0] for line in lines] == ["ok"] * 4, lines
    assert "HTTP mode" in only(lines, "ok", "settings")
    assert "migrations current" in only(lines, "ok", "database")
    assert TEAM in only(lines, "ok", "token")
    assert f"exactly the {len(BOT_SCOPES)} scopes" in only(lines, "ok", "scopes")


def test_each_broken_setting_gets_its_own_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = doctor(
        monkeypatch,
        capsys,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        PORT="abc",
        DEFAULT_LOCALE="de",
        SLACK_API_URL="ftp://example.com",
        DATABASE_URL="mysql://root@db/x",
        LOG_FORMAT="xml",
    )
    assert code == 1
    for variable in ("PORT", "DEFAULT_LOCALE", "SLACK_API_URL", "DATABASE_URL", "LOG_FORMAT"):
        only(lines, "FAIL", variable)
    # The mode check still runs with the malformed values set aside.
    assert "SLACK_SIGNING_SECRET" in only(lines, "FAIL", "settings")
    assert "DATABASE_URL" in only(lines, "skip", "database")
    assert "SLACK_API_URL" in only(lines, "skip", "token")


def test_an_unreachable_database_is_one_line(
    standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = doctor(
        monkeypatch,
        capsys,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        # pragma: allowlist nextline secret
        DATABASE_URL="postgresql://journeybot:hunter2@127.0.0.1:1/journeybot",
    )
    assert code == 1
    assert "unreachable" in only(lines, "FAIL", "database")
    assert "hunter2" not in "\n".join(lines)
    only(lines, "ok", "token")


def test_an_unmigrated_database_says_to_migrate(
    tmp_path: Path,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('0001_ancient')")
    code, lines = doctor(
        monkeypatch,
        capsys,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=f"sqlite:///{path}",
    )
    assert code == 1
    assert "0001_ancient" in only(lines, "FAIL", "migrations")


def test_a_refused_token_and_missing_scopes(
    db: Engine,
    database_url: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
    }
    code, lines = doctor(monkeypatch, capsys, SLACK_BOT_TOKEN="xoxb-0-0-revoked", **base)
    assert code == 1
    assert "invalid_auth" in only(lines, "FAIL", "token")

    code, lines = doctor(monkeypatch, capsys, SLACK_BOT_TOKEN=NARROW_TOKEN, **base)
    assert code == 1
    missing = only(lines, "FAIL", "scopes")
    assert "files:write" in missing
    assert "reactions:write" in missing
    assert "team:read" in only(lines, "warn", "scopes")


def test_socket_mode_checks_the_app_token(
    db: Engine,
    database_url: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
    }
    code, lines = doctor(monkeypatch, capsys, SLACK_APP_TOKEN=APP_TOKEN, **base)
    assert code == 0, lines
    only(lines, "ok", "app token")
    code, lines = doctor(monkeypatch, capsys, SLACK_APP_TOKEN="xapp-1-A0-1-stale", **base)
    assert code == 1
    assert "invalid_auth" in only(lines, "FAIL", "app token")


def test_oauth_mode_checks_the_stored_installations(
    db: Engine,
    database_url: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.crypto import TokenCipher

    code, lines = doctor(
        monkeypatch,
        capsys,
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",  # pragma: allowlist secret
        SLACK_STATE_SECRET="state-secret",  # pragma: allowlist secret
        TOKEN_ENCRYPTION_KEY=TokenCipher.generate_key(),
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
    )
    assert code == 0, lines
    assert "OAuth mode" in only(lines, "ok", "settings")
    assert "none yet" in only(lines, "ok", "installations")
    only(lines, "skip", "token")
    assert "client-secret" not in "\n".join(lines)
