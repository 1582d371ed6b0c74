"""Slack payloads rendered as a person reads them: blocks flattened, buttons in brackets.

Mentions become names (`<@U0ANNA>` → @anna, `<#C0CLIENTS>` → #clients), links their label,
dates `‹date›` (Slack shows each reader their own), so a transcript says what people see and
stays the same from run to run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Names = Callable[[str], str]  # an id to the name Slack shows

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|[^>]*>")
_TOKEN = re.compile(r"<([^<>]+)>")
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def text(value: str, names: Names) -> str:
    value = _DATE.sub("‹date›", value)

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith("@"):
            return "@" + names(inner[1:].split("|")[0])
        if inner.startswith("#"):
            return "#" + names(inner[1:].split("|")[0])
        if "|" in inner:
            return "_" + inner.split("|", 1)[1] + "_"  # a link, shown by its label
        return inner

    value = _TOKEN.sub(token, value)
    value = value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _DAY.sub("‹day›", _ISO.sub("‹time›", value))


def _plain(obj: Any, names: Names) -> str:
    if isinstance(obj, dict):
        return text(str(obj.get("text", "")), names)
    return text(str(obj or ""), names)


def _element(element: dict[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{_plain(element.get('text'), names)}]"
    if kind in ("static_select", "radio_buttons"):
        options = [_plain(option.get("text"), names) for option in element.get("options", [])]
        chosen = _plain((element.get("initial_option") or {}).get("text"), names)
        return "(" + " | ".join(f"•{o}" if o == chosen else o for o in options) + ")"
    if kind == "plain_text_input":
        return f"[✎ {element.get('initial_value') or ''}]"
    if kind in ("mrkdwn", "plain_text"):
        return _plain(element, names)
    return f"[{kind}]"


OPTIONAL = {"en": "(optional)", "fr": "(facultatif)"}  # Slack's own words, by the reader's


def blocks(items: list[dict[str, Any]], names: Names, lang: str = "en") -> list[str]:
    lines: list[str] = []
    for block in items:
        kind = block.get("type")
        if kind == "header":
            lines.append("# " + _plain(block.get("text"), names))
        elif kind == "section":
            lines.append(_plain(block.get("text"), names))
            for field in block.get("fields") or []:
                lines.append(_plain(field, names))
            if block.get("accessory"):
                lines.append(_element(block["accessory"], names))
        elif kind == "context":
            lines.append("  " + " ".join(_element(e, names) for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("---")
        elif kind == "actions":
            lines.append(" ".join(_element(e, names) for e in block.get("elements", [])))
        elif kind == "input":
            label = _plain(block.get("label"), names)
            optional = " " + OPTIONAL[lang] if block.get("optional") else ""
            lines.append(f"{label}{optional} ▸ {_element(block.get('element') or {}, names)}")
            if block.get("hint"):
                lines.append("  " + _plain(block["hint"], names))
        else:
            lines.append(f"[{kind}]")
    return lines


def message(payload: dict[str, Any], names: Names) -> str:
    """A message: its blocks, or its text when it has none; the fallback text below."""
    raw = payload.get("blocks")
    items = json.loads(raw) if isinstance(raw, str) else raw
    fallback = text(str(payload.get("text") or ""), names)
    if not items:
        return fallback
    return "\n".join([*blocks(items, names), f"  (notification: {fallback})"])


def errors(view_payload: dict[str, Any], found: dict[str, str], names: Names) -> str:
    """A modal's inline errors, under the label of the field they belong to."""
    labels = {
        block.get("block_id"): _plain(block.get("label"), names)
        for block in view_payload.get("blocks", [])
        if block.get("type") == "input"
    }
    return "\n".join(
        f"⚠ {labels.get(field, field)} ▸ {text(message, names)}" for field, message in found.items()
    )


def view(payload: dict[str, Any] | str, names: Names, lang: str = "en") -> str:
    data = json.loads(payload) if isinstance(payload, str) else payload
    lines = []
    if data.get("title"):
        lines.append(f"【{_plain(data['title'], names)}】")
    lines += blocks(data.get("blocks", []), names, lang)
    buttons = [f"[{_plain(data[key], names)}]" for key in ("close", "submit") if data.get(key)]
    if buttons:
        lines.append(" ".join(buttons))
    return "\n".join(lines)
