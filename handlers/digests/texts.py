"""Sentences the digest's command and its form both say."""

from __future__ import annotations

from babel.dates import format_time, get_day_names

from bot.digests.schedule import DigestSchedule
from bot.i18n import N_, Translator

SHARED = N_(
    "This channel is shared with another organisation, so its digest can't be posted here: "
    "clients would read it. Set a watch whose alerts go to a team channel "
    "(`/journey watch`), and the digest will go there."
)
USAGE = N_(
    "Set this channel's digest with a day, a time and a time zone, for example: "
    "`/journey digest monday 09:00 Europe/Paris`."
)


def when_posted(schedule: DigestSchedule, _: Translator) -> str:
    weekday = get_day_names("wide", locale=_.locale)[schedule.weekday]
    return _(
        "every {weekday} at {time} ({timezone})",
        weekday=weekday,
        time=format_time(schedule.at, "short", locale=_.locale),
        timezone=schedule.timezone,
    )
