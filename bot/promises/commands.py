"""The promise subcommands of `/journey`."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.i18n import N_

WATCH = Subcommand(
    key="watch",
    names={"en": "watch", "fr": "surveiller"},
    usage={
        "en": "[<window> [business] [team @person… | @group] | status]",
        "fr": "[<délai> [ouvrés] [équipe @personne… | @groupe] | statut]",
    },
    description=N_(
        "Promise a response time in this channel and watch it (a form, or in one line)."
    ),
)
UNWATCH = Subcommand(
    key="unwatch",
    names={"en": "unwatch", "fr": "ne-plus-surveiller"},
    usage={"en": "", "fr": ""},
    description=N_("Stop watching this channel (its promises' history is kept)."),
    aliases=("neplussurveiller", "arreter-surveillance", "arrêter-surveillance"),
)
PROMISES = Subcommand(
    key="promises",
    names={"en": "promises", "fr": "promesses"},
    usage={"en": "", "fr": ""},
    description=N_("This channel's promises: who made them, and from which exercise."),
)

# The word after `watch` that asks for the current watch instead of setting one.
STATUS_WORDS = frozenset({"status", "statut", "état", "etat"})
