"""Numbers and words as the reader writes them, shared by the map, the board and the exports.

No matplotlib here: importing it does not load the plotting library."""

from __future__ import annotations

import re

from babel.numbers import format_decimal, format_percent

from bot.i18n import Translator

TOP_IDEAS = 3
ELLIPSIS = "…"
BREAKABLE = re.compile(r"[ \t\r\n\f\v]+")  # not the non-breaking spaces of French typography


def format_feeling(value: float, locale: str) -> str:
    """A feeling (-2…+2) with its sign and one decimal, in the reader's locale: "+1.5", "−0,5"."""
    if abs(value) < 0.05:
        return format_decimal(0, "0.0", locale=locale)
    return format_decimal(value, "+0.0;-0.0", locale=locale).replace("-", "−")


def format_count(value: int, locale: str) -> str:
    """A count as the reader writes it: "1,234", « 1 234 »."""
    return format_decimal(value, locale=locale)


def format_rate(value: float, locale: str) -> str:
    """A share as the reader writes it: "80%", « 80 % »."""
    return format_percent(value, locale=locale)


def clip_words(text: str, limit: int) -> str:
    text = " ".join(BREAKABLE.split(text.strip()))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def window_label(translator: Translator, seconds: float) -> str:
    """A promise window as people say it: "24 hours", "3 days", "30 minutes"."""
    whole = int(seconds)
    if whole % 86400 == 0 and whole >= 3 * 86400:
        return translator.ngettext(
            "{n} day", "{n} days", whole // 86400, n=format_count(whole // 86400, translator.locale)
        )
    if whole % 3600 == 0:
        return translator.ngettext(
            "{n} hour", "{n} hours", whole // 3600, n=format_count(whole // 3600, translator.locale)
        )
    return translator.ngettext(
        "{n} minute",
        "{n} minutes",
        max(1, round(whole / 60)),
        n=format_count(max(1, round(whole / 60)), translator.locale),
    )
