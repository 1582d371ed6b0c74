"""Small text helpers for Block Kit: escaping, truncation, links."""

from __future__ import annotations


def escape(text: str) -> str:
    """Slack's three control characters, so user text can't ping @channel or fake a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def quote(text: str, limit: int = 300) -> str:
    """A message excerpt as a mrkdwn quote on one or a few lines."""
    lines = clip(escape(text), limit).splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines[:4])
