"""Words a person reads for stored codes: statuses and the default categories, translated.

Stored values stay as they are (codes, or the category names an admin typed); only what is
shown goes through the reader's language. A category an admin named shows as typed.
"""

from __future__ import annotations

from bot.i18n import N_, SUPPORTED_LOCALES, Translator
from storage.enums import IrritantStatus

STATUS_WORDS = {
    IrritantStatus.new: N_("New"),
    IrritantStatus.acknowledged: N_("Acknowledged"),
    IrritantStatus.resolved: N_("Resolved"),
    IrritantStatus.withdrawn: N_("Withdrawn"),
}
CATEGORY_WORDS = {
    "delay": N_("Delay"),
    "communication": N_("Communication"),
    "quality": N_("Quality"),
    "billing": N_("Billing"),
    "process": N_("Process"),
    "other": N_("Other"),
}


def status_word(status: str, _: Translator) -> str:
    try:
        return _(STATUS_WORDS[IrritantStatus(status)])
    except (ValueError, KeyError):
        return status


def category_word(category: str, _: Translator) -> str:
    word = CATEGORY_WORDS.get(category)
    return _(word) if word else category


def category_named(word: str, categories: tuple[str, ...]) -> str | None:
    """The stored category a person typed, in any language we speak, or None."""
    wanted = word.strip().casefold()
    for category in categories:
        names = {category.casefold()}
        if category in CATEGORY_WORDS:
            names |= {
                Translator(locale)(CATEGORY_WORDS[category]).casefold()
                for locale in SUPPORTED_LOCALES
            }
        if wanted in names:
            return category
    return None
