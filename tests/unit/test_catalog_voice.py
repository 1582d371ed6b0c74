"""The catalog reads as VOICE.md asks, in both languages.

French typography (a non-breaking space before `: ; ? !` and inside « »), real plurals (never
"(s)"), every message translated (plurals included), and no raw Slack ID in a template.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# What isn't prose: code spans, Slack's <…> tokens, emoji shortcodes, {placeholders}, URLs.
NOT_PROSE = re.compile(r"`[^`]*`|<[^<>]*>|:[a-z0-9_+\-]+:|\{[^{}]*\}|https?://\S+")
NBSP = "\u00a0\u202f"
SLACK_ID = re.compile(r"\b[UWCGDTBE][A-Z0-9]{8,}\b")


def _catalog() -> list[tuple[str | tuple[str, ...], tuple[str, ...]]]:
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "journeybot.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    entries: list[tuple[str | tuple[str, ...], tuple[str, ...]]] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        entries.append((message.id, tuple(str(text) for text in strings)))
    return entries


def _extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS
        ):
            if isinstance(message, tuple) and all(isinstance(part, str) for part in message):
                found.add((str(message[0]), str(message[1])))
            elif isinstance(message, str) and message:
                found.add(message)
    return found


def french_typography_problems(text: str) -> list[str]:
    prose = NOT_PROSE.sub(" ", text)
    problems = [
        f"{mark!r} needs a non-breaking space before it"
        for mark in re.findall(rf"(?:^|[^{NBSP}])([:;?!])(?=\s|$|[*_)])", prose)
    ]
    if re.search(rf"«[^{NBSP}]|[^{NBSP}]»", prose):
        problems.append("« » need non-breaking spaces inside")
    if re.search(r"n°\S", prose):
        problems.append("« n° » is followed by a non-breaking space")
    return problems


def test_french_uses_non_breaking_spaces_before_high_punctuation() -> None:
    problems = {
        str(msgid)[:70]: found
        for msgid, strings in _catalog()
        for text in strings
        if (found := french_typography_problems(text))
    }
    assert problems == {}


def test_the_typography_check_can_fail() -> None:
    assert french_typography_problems("Syntaxe : `a`") != []
    assert french_typography_problems("Vraiment ?") != []
    assert french_typography_problems("Syntaxe\u00a0: `a` :rage: <https://x|y>") == []


def test_no_s_in_parentheses_for_plurals_in_either_language() -> None:
    offenders = [
        str(msgid)
        for msgid, strings in _catalog()
        for text in (*([msgid] if isinstance(msgid, str) else msgid), *strings)
        if "(s)" in text
    ]
    assert offenders == []
    # Only what people read in Slack: the operator's CLI and doctor are not translated.
    source = [
        str(path.relative_to(ROOT))
        for package in ("bot/irritants", "handlers")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"[\"'][^\"'\n]*\w\(s\)[^\"'\n]*[\"']", path.read_text(encoding="utf-8"))
    ]
    assert source == []


def test_every_message_and_plural_is_translated() -> None:
    translated = {msgid: strings for msgid, strings in _catalog() if all(strings)}
    plural_keys = {msgid[0] for msgid in translated if isinstance(msgid, tuple)}
    known = plural_keys | {msgid for msgid in translated if isinstance(msgid, str)}
    missing = [
        message
        for message in _extracted()
        if (message[0] if isinstance(message, tuple) else message) not in known
    ]
    assert missing == []


def test_no_raw_slack_id_in_a_template() -> None:
    offenders = [
        str(msgid)
        for msgid, strings in _catalog()
        for text in (*([msgid] if isinstance(msgid, str) else msgid), *strings)
        if SLACK_ID.search(text)
    ]
    assert offenders == []
