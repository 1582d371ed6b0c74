"""The digest of the fixture week, as docs/digests.md shows it: text as read in Slack, and chart.

The digest's own week is the fixture week of `test_figures.py` (its figures computed by hand
there); the seven weeks before it are the trend. `tests/unit/digests/test_docs_sample.py`
checks that the documentation shows exactly this; to redraw the pictures:

    python -m tests.unit.digests.sample docs/images
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.digests import formats
from bot.digests.figures import WeekFigures, figures_of
from bot.digests.schedule import DigestWeek
from bot.digests.usecases import DigestContent, ExerciseInProgress, WatchTerms
from bot.i18n import Translator
from bot.journeys.board import Phase
from handlers.digests.blocks import digest_blocks
from storage.repositories.digests import IrritantWeekRow, OpenIrritant
from tests.unit.digests.test_figures import FIXTURE, WEEK

CHANNEL = "C0CLIENTS"
TIMEZONE = "Europe/Paris"
NAMES = {CHANNEL: "#clients", "UMARIE": "@Marie", "UJACK": "@Jack"}
# The trend: (kept, due, median wait in minutes) of the seven weeks before, oldest first.
TREND = [
    (4, 11, 213),
    (5, 10, 157),
    (4, 8, 191),
    (3, 8, 264),
    (2, 8, 324),
    (6, 8, 124),
    (2, 3, 196),
]


def _week(weeks_before: int) -> DigestWeek:
    shift = timedelta(days=7 * weeks_before)
    return DigestWeek(start=WEEK.start - shift, end=WEEK.end - shift)


def fixture_content() -> DigestContent:
    trend = [
        WeekFigures(
            week=_week(len(TREND) - index),
            due=due,
            kept=kept,
            received=due,
            acknowledged=due,
            median_seconds=minutes * 60.0,
        )
        for index, (kept, due, minutes) in enumerate(TREND)
    ]
    this_week = figures_of(FIXTURE, WEEK)
    return DigestContent(
        channel_id=CHANNEL,
        timezone=TIMEZONE,
        week=WEEK,
        weeks=[*trend, this_week],
        watch=WatchTerms(text="", window=timedelta(hours=4), alert_channel_id=None),
        irritants=IrritantWeekRow(
            opened=3,
            resolved=2,
            still_open=5,
            top_open=[
                OpenIrritant(1, None, "The invoice PDF still shows the old address", None, 4),
                OpenIrritant(2, None, "Nobody answers the phone at lunchtime", None, 2),
            ],
        ),
        promises_made=["We send the NDA template on the first call"],
        exercises=[
            ExerciseInProgress(
                number=2,
                task="Renewing a contract",
                phase=Phase.VOTE,
                phase_ends_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
            )
        ],
    )


def _as_read(text: str, locale: str) -> str:
    """Slack's mrkdwn as a reader sees it: names, link labels, dates, no asterisks."""
    text = re.sub(
        r"<!date\^(\d+)\^[^|]*\|[^>]*>",
        lambda m: formats.short_day(datetime.fromtimestamp(int(m[1]), tz=UTC), TIMEZONE, locale),
        text,
    )
    text = re.sub(r"<[#@]([A-Z0-9]+)>", lambda m: NAMES.get(m[1], m[1]), text)
    text = re.sub(r"<[^|>]+\|([^>]+)>", r"\1", text)
    return text.replace("*", "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def rendered_text(locale: str) -> str:
    """The digest's blocks as lines of text, a rule for each divider."""
    _text, blocks = digest_blocks(fixture_content(), Translator(locale))
    lines: list[str] = []
    for block in blocks:
        shown: dict[str, Any] = block.to_dict()
        if shown["type"] == "divider":
            lines.append("───")
        elif shown["type"] == "context":
            lines += [_as_read(element["text"], locale) for element in shown["elements"]]
        else:
            lines += _as_read(shown["text"]["text"], locale).split("\n")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    from bot.digests.chart import render_chart

    target = Path(argv[0]) if argv else Path(".")
    for locale in ("en", "fr"):
        chart = render_chart(
            fixture_content().weeks, timezone=TIMEZONE, translator=Translator(locale)
        )
        path = target / f"digest-chart-sample-{locale}.png"
        path.write_bytes(chart.png)
        sys.stdout.write(f"{path}: {len(chart.png)} bytes\n{chart.alt_text}\n\n")
        sys.stdout.write(rendered_text(locale) + "\n\n")


if __name__ == "__main__":
    main(sys.argv[1:])
