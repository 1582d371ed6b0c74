"""The `/journey` subcommands: names in each language, one-line descriptions, parsing.

Knows nothing of Slack: it turns the text typed after `/journey` into a subcommand and its
arguments, and says which subcommand an unknown word probably meant.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bot.i18n import N_


@dataclass(frozen=True)
class Subcommand:
    key: str
    names: dict[str, str]  # locale -> the word typed
    usage: dict[str, str]  # locale -> arguments, "" when none
    description: str  # msgid
    aliases: tuple[str, ...] = field(default=())

    def name(self, locale: str) -> str:
        return self.names.get(locale, self.names["en"])

    def all_names(self) -> set[str]:
        return {*self.names.values(), *self.aliases}


@dataclass(frozen=True)
class ParsedCommand:
    subcommand: Subcommand | None  # None: the word was not recognised
    word: str  # what the user typed as the subcommand ("" for a bare /journey)
    args: list[str]
    # The text after the subcommand word as typed: Slack's escaped mentions (the slash
    # command has `should_escape: true`) such as `<!subteam^S1|@ops>` stay whole here.
    rest: str = ""


class CommandCatalog:
    """The ordered list of subcommands; later features add theirs with `register`."""

    def __init__(self) -> None:
        self._subcommands: list[Subcommand] = []
        self._by_name: dict[str, Subcommand] = {}

    def register(self, subcommand: Subcommand) -> Subcommand:
        for name in subcommand.all_names():
            folded = name.casefold()
            if folded in self._by_name and self._by_name[folded].key != subcommand.key:
                raise ValueError(f"subcommand name {name!r} is already taken")
            self._by_name[folded] = subcommand
        self._subcommands.append(subcommand)
        return subcommand

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._subcommands)

    def get(self, key: str) -> Subcommand:
        for subcommand in self._subcommands:
            if subcommand.key == key:
                return subcommand
        raise KeyError(key)

    def parse(self, text: str) -> ParsedCommand:
        words = text.split()
        if not words:
            return ParsedCommand(self.get("help"), "", [])
        word = words[0]
        rest = text.strip()[len(word) :].strip()
        return ParsedCommand(self._by_name.get(word.casefold()), word, words[1:], rest)

    def suggest(self, word: str) -> Subcommand | None:
        """The subcommand whose name is closest to a mistyped word, if any is close."""
        match = difflib.get_close_matches(word.casefold(), list(self._by_name), n=1, cutoff=0.6)
        return self._by_name[match[0]] if match else None


HELP = Subcommand(
    key="help",
    names={"en": "help", "fr": "aide"},
    usage={"en": "", "fr": ""},
    description=N_("Show every subcommand with what it does."),
    aliases=("?",),
)
