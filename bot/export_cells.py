"""Cells of exported files, shared by every feature that exports: safe in spreadsheets
and in Markdown tables, timestamps in ISO 8601 UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    text = str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    # The csv module (line terminator "\n") leaves a lone CR unquoted, and a CR ends the row
    # in spreadsheets and readers: every line break becomes "\n", which it does quote.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def md_cell(value: Any) -> str:
    # A raw pipe or newline would split the row: categories are admin text, not only `text`.
    return str(value or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
