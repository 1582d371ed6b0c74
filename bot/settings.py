"""Settings: the only code that reads the environment (and an optional `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_URL_DEFAULT = "https://slack.com/api/"


class CoreSettings(BaseSettings):
    """What every command reads: the database and logging, nothing of Slack.

    `journeybot migrate` (a release job) and `journeybot rotate-key` load only this, so they
    run with `DATABASE_URL` alone.
    """

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",  # a .env shared with other tools must not stop us
        case_sensitive=False,
    )

    database_url: str = "sqlite:///journeybot.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    token_encryption_key: SecretStr | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        if value.startswith(("postgresql://", "postgres://")):
            # SQLAlchemy picks psycopg2 for a bare postgresql://; we ship psycopg 3.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        raw = self.database_url.split("///", 1)[1] if "///" in self.database_url else ""
        return None if raw in ("", ":memory:") else Path(raw)


class SettingsFields(CoreSettings):
    """Every knob of journeybot, each checked on its own (not yet as a whole; see `Settings`)."""

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL_DEFAULT
    port: int = Field(default=3000, ge=1, le=65535)
    host: str = "0.0.0.0"
    default_locale: Literal["en", "fr"] = "en"
    delete_data_on_uninstall: bool = True
    # How long an event may wait for its durable write before Slack gets a 503 and retries
    # (Slack gives up on an answer after 3 s).
    event_write_timeout: float = Field(default=1.0, gt=0, le=2.5)

    @field_validator("default_locale", mode="before")
    @classmethod
    def _short_locale(cls, value: object) -> object:
        # Accept Slack-style locales ("fr-FR") as well as "fr".
        return value.split("-")[0].split("_")[0].lower() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_has_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk joins base_url + method name: without the slash the method is glued on.
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth(self) -> bool:
        return self.slack_client_id is not None


def mode_problems(settings: SettingsFields) -> list[str]:
    """What the chosen Slack mode still lacks, one sentence each (empty when complete).

    Which Slack mode the bot runs in follows from which secrets are present:
    `SLACK_APP_TOKEN` selects Socket Mode, `SLACK_CLIENT_ID`/`SLACK_CLIENT_SECRET` select
    multi-workspace OAuth, otherwise a single `SLACK_BOT_TOKEN` in HTTP mode.
    """
    problems: list[str] = []
    oauth = settings.slack_client_id is not None or settings.slack_client_secret is not None
    if oauth:
        missing = [
            name
            for name, value in (
                ("SLACK_CLIENT_ID", settings.slack_client_id),
                ("SLACK_CLIENT_SECRET", settings.slack_client_secret),
                ("SLACK_STATE_SECRET", settings.slack_state_secret),
                ("TOKEN_ENCRYPTION_KEY", settings.token_encryption_key),
            )
            if value is None
        ]
        if missing:
            problems.append(
                f"OAuth mode also needs {', '.join(missing)} "
                "(tokens are stored encrypted, installs are protected by a state secret)"
            )
    elif settings.slack_bot_token is None:
        problems.append("SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID for OAuth)")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        problems.append(
            "SLACK_SIGNING_SECRET is required in HTTP mode (set SLACK_APP_TOKEN for Socket Mode)"
        )
    if (
        settings.slack_app_token is not None
        and not settings.slack_app_token.get_secret_value().startswith("xapp-")
    ):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    return problems


class Settings(SettingsFields):
    """Every knob of journeybot, read from the environment or `.env`, complete for one mode.

    `journeybot run` and `journeybot doctor` need all of it; `migrate` and `rotate-key` only
    `CoreSettings`.
    """

    @model_validator(mode="after")
    def _mode_is_complete(self) -> Settings:
        problems = mode_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line, safe to print."""


def validation_problems(error: ValidationError) -> list[str]:
    """Pydantic's report as one sentence per problem, naming variables, never their values."""
    parts: list[str] = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ())]
        message = str(item.get("msg", "invalid"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if location:
            parts.append(f"{location[0].upper()}: {message}")
        else:
            parts.append(message)
    return parts


def describe_validation_error(error: ValidationError) -> str:
    """Turn pydantic's report into one line naming the variables, never their values."""
    return "configuration error: " + "; ".join(validation_problems(error))


def load_settings(**overrides: object) -> Settings:
    """Build `Settings`, turning validation failures into a one-line `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None


def load_core_settings(**overrides: object) -> CoreSettings:
    """Only what a database command needs (`DATABASE_URL`, logging, the encryption key)."""
    try:
        return CoreSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
