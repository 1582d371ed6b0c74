"""The watcher's subcommands of `/journey`."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.i18n import N_

REQUESTS = Subcommand(
    key="requests",
    names={"en": "requests", "fr": "demandes"},
    usage={"en": "[open|all]", "fr": "[ouvertes|toutes]"},
    description=N_("List this channel's client requests with their age, time left and follow-ups."),
)
