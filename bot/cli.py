"""The `journeybot` command: run, migrate, generate-key, rotate-key."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot import __version__
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="journeybot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"journeybot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    commands.add_parser("migrate", help="bring the database to the newest schema")
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
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"journeybot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    # Imported late: `--help` and configuration errors should not pay for Slack's libraries.
    from bot.wiring.runner import NotMigratedError, migrate, serve

    if arguments.command == "migrate":
        migrate(settings)
        print("journeybot: database is up to date")
        return 0
    if arguments.command == "rotate-key":
        from bot.keys import rotate_stored_tokens

        count = rotate_stored_tokens(settings)
        print(f"journeybot: re-encrypted {count} installation(s)")
        return 0
    try:
        asyncio.run(serve(settings))
    except NotMigratedError as error:
        print(f"journeybot: {error}", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"journeybot: cannot start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
