"""Every user-facing string has a French translation, and translations keep their fields."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Translator, normalize_locale

ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r"\{(\w+)\}")


def _extracted_msgids() -> set[str]:
    msgids: set[str] = set()
    for package in ("bot", "handlers"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords={"_": None, "N_": None, "gettext": None}
        ):
            if isinstance(message, str) and message:
                msgids.add(message)
    return msgids


def _french_catalog() -> dict[str, str]:
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "journeybot.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}


def test_every_message_is_translated_to_french() -> None:
    french = _french_catalog()
    missing = sorted(msgid for msgid in _extracted_msgids() if not french.get(msgid))
    assert missing == [], f"untranslated: {missing}"


def test_translations_keep_their_placeholders() -> None:
    for msgid, translation in _french_catalog().items():
        assert set(FIELD.findall(msgid)) == set(FIELD.findall(translation)), msgid


def test_slack_locales_are_normalized() -> None:
    assert normalize_locale("fr-FR") == "fr"
    assert normalize_locale("en-GB") == "en"
    assert normalize_locale("de-DE", default="fr") == "fr"
    assert normalize_locale(None) == "en"


def test_translator_formats_in_french() -> None:
    assert Translator("fr").gettext("journeybot commands") == "Commandes de journeybot"
    assert Translator("en").gettext("journeybot commands") == "journeybot commands"
