"""Small text helpers for Block Kit: escaping, truncation, links."""

from __future__ import annotations

import re
from datetime import UTC, datetime


def escape(text: str) -> str:
    """Slack's three control characters, so user text can't ping @channel or fake a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def quote(text: str, limit: int = 300) -> str:
    """A message excerpt as a mrkdwn quote on one or a few lines."""
    lines = clip(escape(text), limit).splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines[:4])


# Slack's own markup in a message's text: links, user/channel mentions, special mentions.
_TOKEN = re.compile(r"<([^<>]*)>")
_BROADCAST = re.compile(r"<!(channel|here|everyone)(\|[^>]*)?>|<!subteam\^[^>]*>")


def slack_text(text: str, limit: int) -> str:
    """A message's text as Slack gave it (already escaped, links and mentions intact), minus
    broadcasts (@channel, @here, groups) that must not ping again, clipped between tokens."""
    text = _BROADCAST.sub(lambda match: "@" + (match.group(1) or "group"), text)
    if len(text) <= limit:
        return text
    cut = limit - 1
    opening = text.rfind("<", 0, cut)
    if opening > text.rfind(">", 0, cut):
        cut = opening  # never cut a link or mention in half
    return text[:cut].rstrip() + "…"


def slack_quote(text: str, limit: int = 300) -> str:
    lines = slack_text(text, limit).splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines[:4])


def _plain(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith(("@", "#")):
        return match.group(0)  # mentions render as names
    if inner.startswith("!"):
        return "@" + inner[1:].split("|")[0].split("^")[0]
    return inner.split("|", 1)[1] if "|" in inner else inner


def title_words(text: str, words: int = 8, limit: int = 80) -> str:
    """The first words of a message, links shown by their label: a list item's title."""
    plain = " ".join(_TOKEN.sub(_plain, text).split())
    chosen = plain.split(" ")[:words]
    title = " ".join(chosen)
    if len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    elif len(chosen) < len(plain.split(" ")):
        title += "…"
    return title.replace("*", "")


def slack_date(moment: datetime, fallback_format: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A date each reader sees in their own time zone; the fallback is UTC."""
    stamp = int(moment.timestamp())
    fallback = moment.astimezone(UTC).strftime(fallback_format)
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>"
