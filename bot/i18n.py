"""Translations through gettext catalogs, compiled in memory from our .po files by Babel.

English is the source language (msgids are English); French lives in
`bot/locales/fr/LC_MESSAGES/journeybot.po`. Adding a language is adding a .po file.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "journeybot"
SUPPORTED_LOCALES = ("en", "fr")


def normalize_locale(value: str | None, default: str = "en") -> str:
    """Slack says "fr-FR" or "en-US"; we speak "fr" and "en"."""
    if not value:
        return default
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED_LOCALES else default


def N_(message: str) -> str:
    """Mark a string for translation without translating it (for tables built at import)."""
    return message


@cache
def translations(locale: str) -> gettext.NullTranslations:
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Message(str):
    """A msgid with the values that fill it, for rules that return msgids (error maps) but
    must name what was wrong: translated first, then filled, wherever it is shown."""

    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Message:
        message = super().__new__(cls, msgid)
        message.values = values
        return message


class Translator:
    """`_`/`ngettext` bound to one locale, handed to builders."""

    def __init__(self, locale: str) -> None:
        self.locale = normalize_locale(locale)
        self._translations = translations(self.locale)

    def gettext(self, message: str, **values: object) -> str:
        text = self._translations.gettext(str(message))
        if isinstance(message, Message):
            values = {**message.values, **values}
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text.format(count=count, **values)

    __call__ = gettext
