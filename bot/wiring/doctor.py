"""`journeybot doctor`: what stands between this configuration and a working bot.

Each check prints one line, `ok`, `warn`, `skip` or `FAIL`, then the thing checked and what is
wrong with it. Every broken setting gets its own line, so one run lists everything to fix;
values of secrets are never printed. The exit status is 1 when any line says FAIL.

The scopes are checked against `BOT_SCOPES` (`handlers/scopes.py`), which a test keeps equal
to the bot scopes of `manifest.yml`; Slack lists what a token was granted in the
`x-oauth-scopes` header of every Web API answer, `auth.test`'s included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web import WebClient
from sqlalchemy import text

from bot.logs import redact
from bot.settings import (
    SettingsFields,
    mode_problems,
    validation_problems,
)
from handlers.scopes import BOT_SCOPES
from storage.db import make_engine, make_session_factory
from storage.migrate import current_revision, head_revision
from storage.repositories.installations import all_installations

OK, WARN, SKIP, FAIL = "ok", "warn", "skip", "FAIL"
SLACK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Finding:
    status: str
    subject: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4} {self.subject}: {self.detail}"


def _short(error: BaseException) -> str:
    """An exception as a short, secret-free phrase: its type and first line."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return redact(f"{type(cause).__name__}: {first}"[:200]).rstrip(": ")


def check_settings(
    load: Callable[..., SettingsFields] = SettingsFields,
) -> tuple[list[Finding], SettingsFields | None, set[str]]:
    """Each malformed variable, then each thing the chosen Slack mode lacks.

    Returns:
        The findings; the settings with every malformed value put back to its default
        (None if even that cannot be built), for the checks that follow; and the names of
        the malformed variables.
    """
    findings: list[Finding] = []
    broken: dict[str, object] = {}
    try:
        fields = load()
    except ValidationError as error:
        for item, problem in zip(error.errors(), validation_problems(error), strict=True):
            name = str(item["loc"][0]) if item.get("loc") else "settings"
            findings.append(Finding(FAIL, name.upper(), problem.split(": ", 1)[-1]))
            if name in SettingsFields.model_fields:
                broken[name] = SettingsFields.model_fields[name].get_default()
        try:
            fields = load(**broken)
        except ValidationError:
            return findings, None, set()
    for problem in mode_problems(fields):
        findings.append(Finding(FAIL, "settings", problem))
    if not findings:
        mode = "OAuth" if fields.oauth else "Socket Mode" if fields.socket_mode else "HTTP"
        findings.append(Finding(OK, "settings", f"complete for {mode} mode"))
    return findings, fields, {name.upper() for name in broken}


def check_database(settings: SettingsFields) -> list[Finding]:
    """Reachable, and at the revision this version of journeybot needs."""
    path = settings.sqlite_path()
    if path is not None and not path.exists():
        return [Finding(OK, "database", f"{path} does not exist yet; `journeybot run` creates it")]
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception as error:
        return [Finding(FAIL, "database", f"unreachable ({_short(error)})")]
    finally:
        engine.dispose()
    head = head_revision()
    if current == head:
        return [Finding(OK, "database", f"reachable, migrations current ({head})")]
    fix = (
        "`journeybot run` migrates SQLite on start"
        if settings.is_sqlite
        else "run `journeybot migrate`"
    )
    return [
        Finding(
            FAIL,
            "migrations",
            f"database is at {current or 'no revision'}, this version needs {head}: {fix}",
        )
    ]


def _scope_findings(granted: set[str], where: str) -> Iterator[Finding]:
    wanted = set(BOT_SCOPES)
    missing = sorted(wanted - granted)
    extra = sorted(granted - wanted)
    if missing:
        yield Finding(
            FAIL,
            "scopes",
            f"{where} lacks {', '.join(missing)} (asked for in manifest.yml): "
            "add them to the app and reinstall it",
        )
    if extra:
        yield Finding(
            WARN, "scopes", f"{where} also has {', '.join(extra)}, which journeybot never uses"
        )
    if not missing and not extra:
        yield Finding(OK, "scopes", f"{where} has exactly the {len(wanted)} scopes of manifest.yml")


def check_bot_token(settings: SettingsFields, *, client: WebClient | None = None) -> list[Finding]:
    """`auth.test` with the bot token, then its granted scopes against the manifest."""
    if settings.slack_bot_token is None:
        return [Finding(SKIP, "token", "no SLACK_BOT_TOKEN to test")]
    token = settings.slack_bot_token.get_secret_value()
    if not token.startswith("xoxb-"):
        return [Finding(FAIL, "SLACK_BOT_TOKEN", "is not a bot token (xoxb-…)")]
    client = client or WebClient(
        token=token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT_SECONDS
    )
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown") if error.response is not None else "unknown"
        return [Finding(FAIL, "token", f"auth.test refused SLACK_BOT_TOKEN: {code}")]
    except Exception as error:
        return [Finding(FAIL, "token", f"cannot reach {settings.slack_api_url} ({_short(error)})")]
    findings = [
        Finding(
            OK,
            "token",
            f"auth.test: bot {response.get('user_id')} in workspace {response.get('team_id')}",
        )
    ]
    header = _header(response.headers, "x-oauth-scopes")
    if header is None:
        findings.append(Finding(WARN, "scopes", "Slack did not list the granted scopes"))
    else:
        granted = {scope.strip() for scope in header.split(",") if scope.strip()}
        findings.extend(_scope_findings(granted, "the bot token"))
    return findings


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def check_app_token(settings: SettingsFields, *, client: WebClient | None = None) -> list[Finding]:
    """Socket Mode: the app-level token may open a connection (`apps.connections.open`)."""
    if settings.slack_app_token is None:
        return []
    client = client or WebClient(base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT_SECONDS)
    try:
        client.apps_connections_open(app_token=settings.slack_app_token.get_secret_value())
    except SlackApiError as error:
        code = error.response.get("error", "unknown") if error.response is not None else "unknown"
        return [Finding(FAIL, "app token", f"apps.connections.open refused it: {code}")]
    except Exception as error:
        return [
            Finding(FAIL, "app token", f"cannot reach {settings.slack_api_url} ({_short(error)})")
        ]
    return [Finding(OK, "app token", "may open Socket Mode connections")]


def check_installations(settings: SettingsFields) -> list[Finding]:
    """OAuth mode: the scopes each stored workspace install was granted."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = [(row.team_id, row.bot_scopes) for row in all_installations(session)]
    except Exception as error:
        return [Finding(SKIP, "installations", f"cannot read them ({_short(error)})")]
    finally:
        engine.dispose()
    if not rows:
        return [Finding(OK, "installations", "none yet: workspaces install at /slack/install")]
    findings: list[Finding] = []
    for team_id, scopes in rows:
        granted = {scope.strip() for scope in (scopes or "").split(",") if scope.strip()}
        findings.extend(
            finding
            for finding in _scope_findings(granted, f"workspace {team_id}")
            if finding.status != OK
        )
    if not findings:
        findings.append(
            Finding(OK, "installations", f"{len(rows)} workspace(s), all with the manifest scopes")
        )
    return findings


def diagnose(load: Callable[..., SettingsFields] = SettingsFields) -> list[Finding]:
    findings, settings, broken = check_settings(load)
    if settings is None:
        return findings
    if "DATABASE_URL" in broken:
        findings.append(Finding(SKIP, "database", "DATABASE_URL is malformed"))
    else:
        database = check_database(settings)
        findings.extend(database)
        if settings.oauth and all(finding.status == OK for finding in database):
            findings.extend(check_installations(settings))
    if "SLACK_API_URL" in broken:
        findings.append(Finding(SKIP, "token", "SLACK_API_URL is malformed"))
        return findings
    if settings.oauth:
        findings.append(
            Finding(SKIP, "token", "OAuth mode: each workspace's token comes with its install")
        )
    else:
        findings.extend(check_bot_token(settings))
    findings.extend(check_app_token(settings))
    return findings


def run_doctor(print_line: Callable[[str], None]) -> int:
    """Print one line per finding; 1 if anything failed, else 0."""
    findings = diagnose()
    for finding in findings:
        print_line(finding.line())
    return 1 if any(finding.status == FAIL for finding in findings) else 0
