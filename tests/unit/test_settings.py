"""Settings: modes, validation messages that name the variable, secrets never printed."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings


def _load(**values: object) -> object:
    return load_settings(_env_file=None, **values)


def test_single_workspace_http_mode() -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s")
    assert not settings.socket_mode
    assert not settings.oauth
    assert settings.database_url == "sqlite:///journeybot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1-A-1")
    assert settings.socket_mode


def test_api_url_gets_its_trailing_slash() -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        slack_api_url="http://127.0.0.1:9/api",
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_postgres_url_uses_psycopg3() -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        database_url="postgresql://u@h/db",
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"slack_signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "port": "abc"}, "PORT"),
        (
            {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "default_locale": "de"},
            "DEFAULT_LOCALE",
        ),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-wrong"}, "xapp-"),
        (
            {"slack_client_id": "1.2", "slack_client_secret": "c", "slack_signing_secret": "s"},
            "SLACK_STATE_SECRET",
        ),
        (
            {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "database_url": "mysql://x"},
            "DATABASE_URL",
        ),
    ],
)
def test_bad_settings_name_the_variable(values: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(named)) as raised:
        load_settings(_env_file=None, **values)
    message = str(raised.value)
    assert named in message
    assert "\n" not in message


def test_errors_never_echo_secret_values() -> None:
    with pytest.raises(SettingsError, match="PORT: Input should be a valid integer") as raised:
        load_settings(_env_file=None, slack_bot_token="xoxb-very-secret-value", port="nope")
    assert "very-secret" not in str(raised.value)


def test_cli_prints_one_line_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env={
            "PATH": "",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_BOT_TOKEN": "xoxb-secret-abc",
            "PORT": "x",
        },
        timeout=60,
        cwd="/",
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr
    assert "xoxb-secret-abc" not in result.stderr
