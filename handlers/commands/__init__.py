"""The `/journey` slash command."""

from __future__ import annotations

from collections.abc import Mapping

from slack_bolt.async_app import AsyncApp

from handlers.commands.journey import SubcommandHandler, journey_listener
from handlers.ids import Command


def register(app: AsyncApp, handlers: Mapping[str, SubcommandHandler]) -> None:
    app.command(Command.journey)(journey_listener(handlers))
