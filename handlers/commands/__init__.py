"""The `/journey` slash command."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands.journey import SubcommandHandler, handle_journey
from handlers.ids import Command


def register(app: AsyncApp) -> None:
    app.command(Command.journey)(handle_journey)


__all__ = ["SubcommandHandler", "register"]
