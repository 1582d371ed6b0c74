"""The digest's chart: promise kept per week, and the median time to acknowledge.

Bars are the kept share of each of the last weeks (the current week darker); below them, on
the same weeks, a line shows the median wait. It is drawn for Slack's preview (1200 × 675 px,
large type), every value written on its bar or point instead of read off a scale, in the
channel's language, and `alt_text` states the same figures for screen readers. Rendered on
matplotlib's Agg canvas directly (no pyplot global state), so renders can run on worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.digests import formats
from bot.digests.figures import WeekFigures
from bot.i18n import Translator

WIDTH_PX, HEIGHT_PX, DPI = 1200, 675, 150
KEPT_COLOUR, CURRENT_COLOUR, WAIT_COLOUR, EMPTY_COLOUR = "#9cc3e6", "#1f6fb2", "#d9822b", "#999999"


@dataclass(frozen=True, slots=True)
class Chart:
    png: bytes
    alt_text: str
    title: str


def render_chart(weeks: Sequence[WeekFigures], *, timezone: str, translator: Translator) -> Chart:
    """The chart of `weeks` (oldest first, the digest's week last)."""
    if not weeks:
        raise ValueError("a chart needs at least one week")
    locale = translator.locale
    labels = [formats.short_day(week.week.end, timezone, locale) for week in weeks]
    title = translator.ngettext(
        "Promise kept, last week", "Promise kept, last {count} weeks", len(weeks)
    )

    figure = build_figure(weeks, labels=labels, title=title, translator=translator)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return Chart(png=buffer.getvalue(), alt_text=alt_text(weeks, labels, translator), title=title)


def build_figure(
    weeks: Sequence[WeekFigures], *, labels: Sequence[str], title: str, translator: Translator
) -> Figure:
    """The chart as a matplotlib figure (tests read its texts' bounding boxes)."""
    locale = translator.locale
    kept = [week.kept_ratio for week in weeks]
    waits_hours = [
        None if week.median_seconds is None else week.median_seconds / 3600 for week in weeks
    ]
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    # Two panels on one time axis rather than twin axes: a line drawn over labelled bars hides
    # the labels, and two scales on one panel are read wrong.
    kept_axes, wait_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.4]}
    )
    positions = list(range(len(weeks)))
    colours = [CURRENT_COLOUR if i == len(weeks) - 1 else KEPT_COLOUR for i in positions]
    kept_axes.bar(positions, [0 if k is None else k * 100 for k in kept], color=colours, width=0.6)
    for position, ratio in zip(positions, kept, strict=True):
        kept_axes.annotate(
            "–" if ratio is None else formats.share(ratio, locale),
            (position, 0 if ratio is None else ratio * 100),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
            color=EMPTY_COLOUR if ratio is None else "#222222",
        )
    kept_axes.set_ylim(0, 118)
    kept_axes.set_yticks([0, 50, 100])
    kept_axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: formats.share(value / 100, locale))
    )
    kept_axes.spines[["top", "right"]].set_visible(False)
    kept_axes.set_title(title, fontsize=14, loc="left", pad=12)

    # A week without acknowledgements breaks the line instead of joining its neighbours.
    wait_axes.plot(
        positions,
        [float("nan") if w is None else w for w in waits_hours],
        color=WAIT_COLOUR,
        marker="o",
        linewidth=2.5,
    )
    for index, (position, wait) in enumerate(zip(positions, waits_hours, strict=True)):
        if wait is not None:
            # Under a dip, above anything else: a label above a low point sits on the lines
            # that climb away from it on both sides.
            below = _is_dip(waits_hours, index)
            wait_axes.annotate(
                formats.duration(wait * 3600, translator),
                (position, wait),
                xytext=(0, -9 if below else 7),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=10,
                color=WAIT_COLOUR,
                # A white backing keeps the label legible where the line runs through it.
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
    # Each point carries its own label, so the axis needs no scale of its own.
    top = max((w for w in waits_hours if w is not None), default=1.0)
    wait_axes.set_ylim(-top * 0.45 if top > 0 else 0, top * 1.8 if top > 0 else 1.0)
    wait_axes.set_yticks([])
    # Panel names as left-aligned titles: a rotated axis label runs past a short panel.
    wait_axes.set_title(
        translator.gettext("Median wait"), fontsize=11, color=WAIT_COLOUR, loc="left"
    )
    wait_axes.spines[["top", "right"]].set_visible(False)
    wait_axes.set_xticks(positions, labels, fontsize=10)
    wait_axes.set_xlabel(translator.gettext("Week ending"), fontsize=10)

    return figure


def alt_text(weeks: Sequence[WeekFigures], labels: Sequence[str], translator: Translator) -> str:
    """Every figure the chart shows, in a sentence per week (screen readers, no image)."""
    locale = translator.locale
    parts = [translator.gettext("Promise kept per week, with the median time to acknowledge.")]
    for label, week in zip(labels, weeks, strict=True):
        kept = (
            translator.gettext("no deadline")
            if week.kept_ratio is None
            else translator.gettext(
                "{share} kept ({kept} of {due})",
                share=formats.share(week.kept_ratio, locale),
                kept=formats.count(week.kept, locale),
                due=formats.count(week.due, locale),
            )
        )
        wait = (
            ""
            if week.median_seconds is None
            else translator.gettext(
                ", median {wait}", wait=formats.duration(week.median_seconds, translator)
            )
        )
        parts.append(translator.gettext("{week}: {kept}{wait}.", week=label, kept=kept, wait=wait))
    return " ".join(parts)


def _is_dip(values: list[float | None], index: int) -> bool:
    """True when the point is lower than each neighbour it has (a line meets it from above)."""
    value = values[index]
    neighbours = [
        values[other]
        for other in (index - 1, index + 1)
        if 0 <= other < len(values) and values[other] is not None
    ]
    return (
        value is not None
        and bool(neighbours)
        and all(value < n for n in neighbours if n is not None)
    )
