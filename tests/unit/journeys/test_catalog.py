"""The journey strings in plural forms are in the French catalog too.

tests/unit/test_i18n.py finds `_()` and `N_()` strings by extraction; plural forms go through
`ngettext`, which it does not extract, so they are listed from the source here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Translator

SOURCES = Path(__file__).resolve().parents[3] / "bot" / "journeys"


def _plural_msgids() -> set[tuple[str, str]]:
    found = set()
    for path in SOURCES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "ngettext"
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                singular, plural = (a.value for a in node.args[:2])  # type: ignore[attr-defined]
                found.add((singular, plural))
    return found


def test_every_plural_is_translated_to_french() -> None:
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "journeybot.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    plurals = _plural_msgids()
    assert len(plurals) >= 10
    for singular, plural in sorted(plurals):
        message = catalog.get((singular, plural)) or catalog.get(singular)
        assert message is not None, singular
        assert message.id == (singular, plural), singular
        assert all(message.string), singular


def test_french_plurals_follow_french_rules() -> None:
    french = Translator("fr")
    assert french.ngettext("{n} open irritant", "{n} open irritants", 1, n="1") == (
        "1 irritant ouvert"
    )
    assert french.ngettext("{n} open irritant", "{n} open irritants", 2, n="2") == (
        "2 irritants ouverts"
    )
    assert french.ngettext("+{n} more", "+{n} more", 3, n="3") == "+3 autres"


def test_counts_are_written_the_readers_way() -> None:
    from bot.journeys.words import format_count

    assert format_count(1234, "en") == "1,234"
    assert format_count(1234, "fr") == "1\u202f234"
    assert Translator("fr").ngettext(
        "{n} open irritant", "{n} open irritants", 1234, n=format_count(1234, "fr")
    ) == ("1\u202f234 irritants ouverts")
