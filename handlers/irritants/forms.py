"""Reading modal state and writing inline errors."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator


def text_value(values: dict[str, Any], block_id: str) -> str | None:
    value = (values.get(block_id) or {}).get("value") or {}
    text = value.get("value")
    return str(text) if text is not None else None


def selected_value(values: dict[str, Any], block_id: str) -> str | None:
    value = (values.get(block_id) or {}).get("value") or {}
    option = value.get("selected_option")
    return str(option["value"]) if option else None


def translated_errors(errors: dict[str, str], _: Translator) -> dict[str, str]:
    return {str(block_id): _(message) for block_id, message in errors.items()}
