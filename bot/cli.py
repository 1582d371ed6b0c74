"""The `journeybot` command: run, migrate, doctor, generate-key, rotate-key.

Each command reads only the settings it uses: `migrate` and `rotate-key` need the database
(and the key), not Slack's secrets, so a release job runs them with `DATABASE_URL` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot import __version__
from bot.logs import configure_logging
from bot.settings import SettingsError, load_core_settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="journeybot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"journeybot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    commands.add_parser("migrate", help="bring the database to the newest schema (DATABASE_URL)")
    commands.add_parser(
        "doctor",
        help="check settings, database, migrations, token and scopes; one line per finding",
    )
    commands.add_parser("generate-key", help="print a new TOKEN_ENCRYPTION_KEY")
    commands.add_parser(
        "rotate-key",
        help="re-encrypt stored tokens under the first key of TOKEN_ENCRYPTION_KEY",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "generate-key":
        from storage.crypto import TokenCipher

        print(TokenCipher.generate_key())
        return 0
    if arguments.command == "doctor":
        # Imported late, like the runner: it needs Slack's client.
        from bot.wiring.doctor import run_doctor

        return run_doctor(print)
    if arguments.command in ("migrate", "rotate-key"):
        return _database_command(arguments.command)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"journeybot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    # Imported late: `--help` and configuration errors should not pay for Slack's libraries.
    from bot.wiring.runner import NotMigratedError, serve

    try:
        asyncio.run(serve(settings))
    except NotMigratedError as error:
        print(f"journeybot: {error}", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"journeybot: cannot start: {error}", file=sys.stderr)
        return 1
    return 0


def _database_command(command: str) -> int:
    try:
        settings = load_core_settings()
    except SettingsError as error:
        print(f"journeybot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    if command == "migrate":
        from bot.wiring.runner import migrate

        migrate(settings)
        print("journeybot: database is up to date")
        return 0
    from bot.keys import rotate_stored_tokens

    if settings.token_encryption_key is None:
        print("journeybot: configuration error: TOKEN_ENCRYPTION_KEY is not set", file=sys.stderr)
        return 2
    from storage.crypto import TokenCipherError

    try:
        count = rotate_stored_tokens(settings)
    except (TokenCipherError, ValueError) as error:
        # Nothing was changed (one transaction); the message names no key.
        print(
            f"journeybot: cannot rotate: {error}; TOKEN_ENCRYPTION_KEY must list the new key "
            "first and, after it, the key the tokens are stored under",
            file=sys.stderr,
        )
        return 2
    print(f"journeybot: re-encrypted {count} installation(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
