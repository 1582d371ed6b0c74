"""Numbers, shares, durations and dates as a digest's reader writes them (Babel, per locale)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.i18n import Translator


def count(value: int, locale: str) -> str:
    """1,234 / 1 234."""
    return format_decimal(value, locale=locale)


def share(value: float, locale: str) -> str:
    """A ratio in [0, 1] as a whole percentage: "92%" / « 92 % »."""
    return format_percent(value, locale=locale)


def duration(seconds: float, translator: Translator) -> str:
    """A wait, to the minute below an hour, to the minute below a day, then days and hours.

    "45 min", "4 h 12 min", "2 d 3 h" / « 2 j 3 h »: short units, because a digest line carries
    several of them.
    """
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return translator.gettext("{minutes} min", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes == 0:
            return translator.gettext("{hours} h", hours=hours)
        return translator.gettext("{hours} h {minutes} min", hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    if hours == 0:
        return translator.gettext("{days} d", days=days)
    return translator.gettext("{days} d {hours} h", days=days, hours=hours)


def short_day(moment: datetime, timezone: str, locale: str) -> str:
    """A week's label on the chart: "Nov 9" / « 9 nov. », in the channel's time zone."""
    return format_skeleton("MMMd", moment.astimezone(ZoneInfo(timezone)), locale=locale)
