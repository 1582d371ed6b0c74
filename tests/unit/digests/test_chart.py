"""The digest chart: Slack's preview size, every text inside the picture and legible, alt text."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, time
from itertools import combinations

import pytest
from matplotlib.text import Annotation, Text

from bot.digests.chart import HEIGHT_PX, WIDTH_PX, build_figure, render_chart
from bot.digests.figures import WeekFigures
from bot.digests.schedule import DigestSchedule, latest_due_day, weeks_before
from bot.i18n import Translator

SCHEDULE = DigestSchedule(weekday=0, at=time(9), timezone="Europe/Paris")
WEEKS = weeks_before(latest_due_day(datetime(2026, 11, 30, 9, tzinfo=UTC), SCHEDULE), SCHEDULE, 8)
# Kept/due and the median wait in seconds per week; a week with no deadline and no
# acknowledgement in the middle, and a perfect week at the end.
SERIES = [(2, 7, 12_700), (15, 19, 21_100), (0, 0, None), (0, 19, 15_900),
          (8, 8, 8_300), (5, 6, 16_000), (6, 6, 16_200), (10, 10, 5_500)]  # fmt: skip
FIGURES = [
    WeekFigures(week=week, due=due, kept=kept, acknowledged=kept, median_seconds=median)
    for week, (kept, due, median) in zip(WEEKS, SERIES, strict=True)
]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_chart_is_slack_preview_sized_and_its_alt_text_states_every_figure(locale: str) -> None:
    chart = render_chart(FIGURES, timezone="Europe/Paris", translator=Translator(locale))
    assert png_size(chart.png) == (WIDTH_PX, HEIGHT_PX)
    if locale == "fr":
        assert chart.title == "Promesse tenue, 8 dernières semaines"
        nbsp = "\u00a0"
        expected = (
            f"30 nov.{nbsp}: 100{nbsp}% tenue (10 sur 10), médiane 1{nbsp}h{nbsp}32{nbsp}min."
        )
        assert expected in chart.alt_text
        assert "26 oct.\u00a0: aucune échéance." in chart.alt_text
    else:
        assert chart.title == "Promise kept, last 8 weeks"
        assert "Nov 30: 100% kept (10 of 10), median 1 h 32 min." in chart.alt_text
        assert "Oct 12: 29% kept (2 of 7), median 3 h 32 min." in chart.alt_text


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_text_is_inside_the_picture_and_no_two_labels_overlap(locale: str) -> None:
    translator = Translator(locale)
    labels = [f"{index} nov." for index in range(8)]
    figure = build_figure(FIGURES, labels=labels, title="T", translator=translator)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    canvas_box = figure.bbox
    texts = [
        text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()
    ]
    assert len(texts) > 20
    for text in texts:
        box = text.get_window_extent(renderer)
        assert canvas_box.x0 <= box.x0, text.get_text()
        assert box.x1 <= canvas_box.x1, text.get_text()
        assert canvas_box.y0 <= box.y0, text.get_text()
        assert box.y1 <= canvas_box.y1, text.get_text()
    annotations = [text for text in texts if isinstance(text, Annotation)]
    # 8 share labels and 7 waits (one week has none).
    assert len(annotations) == 15
    for first, second in combinations(annotations, 2):
        assert not first.get_window_extent(renderer).overlaps(second.get_window_extent(renderer)), (
            first.get_text(),
            second.get_text(),
        )


def test_a_chart_needs_a_week() -> None:
    with pytest.raises(ValueError, match="at least one week"):
        render_chart([], timezone="UTC", translator=Translator("en"))
