"""The irritant subcommands of `/journey`."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.i18n import N_

IRRITANTS = Subcommand(
    key="irritants",
    names={"en": "irritants", "fr": "irritants"},
    usage={"en": "[open|all] [category]", "fr": "[ouverts|tous] [catégorie]"},
    description=N_("List irritants, most reported first, with buttons to triage them."),
)
EXPORT = Subcommand(
    key="export",
    names={"en": "export", "fr": "exporter"},
    usage={"en": "irritants|[exercise] csv|json|md", "fr": "irritants|[exercice] csv|json|md"},
    description=N_("Get the irritants or a journey exercise as a file, in a direct message."),
)
SETTINGS = Subcommand(
    key="settings",
    names={"en": "settings", "fr": "réglages"},
    usage={"en": "", "fr": ""},
    description=N_(
        "Set this channel's language and time zone; workspace admins also set the irritant "
        "emojis, categories and retention."
    ),
    aliases=("reglages", "parametres", "paramètres"),
)
