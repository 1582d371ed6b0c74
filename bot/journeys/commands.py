"""The journey subcommands of `/journey`, with their French names."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.i18n import N_

NEW = Subcommand(
    key="new",
    names={"en": "new", "fr": "nouveau"},
    usage={"en": "[task]", "fr": "[tâche]"},
    description=N_("Start a journey exercise in this channel: moments of truth, ideas, votes."),
    aliases=("nouvel", "nouvelle"),
)
LIST = Subcommand(
    key="list",
    names={"en": "list", "fr": "liste"},
    usage={"en": "", "fr": ""},
    description=N_("This channel's journey exercises, with their phase and deadline."),
    aliases=("ls",),
)
BOARD = Subcommand(
    key="board",
    names={"en": "board", "fr": "tableau"},
    usage={"en": "[exercise]", "fr": "[exercice]"},
    description=N_("Show an exercise's board: moments, today and tomorrow cards, votes."),
)
MAP = Subcommand(
    key="map",
    names={"en": "map", "fr": "carte"},
    usage={"en": "[exercise] [share]", "fr": "[exercice] [partager]"},
    description=N_(
        "Get the journey map picture in a direct message, or in the channel with share."
    ),
)
MUTE = Subcommand(
    key="mute",
    names={"en": "mute", "fr": "silence"},
    usage={"en": "", "fr": ""},
    description=N_("Stop journey reminders in direct messages."),
)
UNMUTE = Subcommand(
    key="unmute",
    names={"en": "unmute", "fr": "rappels"},
    usage={"en": "", "fr": ""},
    description=N_("Get journey reminders again."),
)
