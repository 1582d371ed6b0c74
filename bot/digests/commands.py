"""The digest subcommand of `/journey`."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.i18n import N_

DIGEST = Subcommand(
    key="digest",
    names={"en": "digest", "fr": "bilan"},
    usage={
        "en": "[day time time-zone|preview|off]",
        "fr": "[jour heure fuseau|aperçu|arrêt]",
    },
    description=N_("This channel's weekly promise digest: when it is posted, a preview, or off."),
)

PREVIEW_WORDS = frozenset({"preview", "aperçu", "apercu"})
OFF_WORDS = frozenset({"off", "stop", "arrêt", "arret", "arrêter", "arreter"})
STATUS_WORDS = frozenset({"status", "état", "etat"})
