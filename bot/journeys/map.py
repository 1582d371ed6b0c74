"""The journey map as a picture (PNG): what a team lead should understand at a glance.

Moments of truth run left to right. Above each moment, the cards of *what we do today*;
below it, the client's feeling today (a curve from -2 to +2 across the moments), then the
cards of *what we could do tomorrow*, most voted first, the board's top ideas highlighted.
Beside each moment's name: its touchpoint and live figures (open irritants, promises kept).

Drawing uses matplotlib's object API on the Agg canvas (no pyplot, no global state), so it
can run in a worker thread. Every text is laid out here, in pixels, before anything is
drawn: texts are wrapped to their box, long cards end with "…", a column that overflows says
"+N more", and boards with many moments are split into pages. Fonts are fixed (DejaVu Sans,
shipped with matplotlib) and the PNG carries no date or version, so the same board gives the
same bytes.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

from matplotlib.figure import Figure

from bot.i18n import Translator
from bot.journeys.alt_text import alt_text
from bot.journeys.board import Board, top_tomorrow_cards
from bot.journeys.map_page import PageLayout
from bot.journeys.map_style import DPI
from bot.journeys.words import TOP_IDEAS

MAX_MOMENTS_PER_PAGE = 8


@dataclass(frozen=True)
class MapPage:
    """One picture of the map: moments `first_moment`…`last_moment` (1-based, in board order)."""

    png: bytes
    alt_text: str
    page: int
    page_count: int
    first_moment: int
    last_moment: int
    width: int
    height: int


@dataclass(frozen=True)
class PageFigure:
    """A page before it is saved: the figure, for tests that inspect its artists."""

    figure: Figure
    alt_text: str
    page: int
    page_count: int
    first_moment: int
    last_moment: int


def render_map(
    board: Board,
    translator: Translator,
    *,
    max_moments_per_page: int = MAX_MOMENTS_PER_PAGE,
    top_ideas: int = TOP_IDEAS,
) -> list[MapPage]:
    """The board as one PNG per page of at most `max_moments_per_page` moments."""
    pages = []
    for built in build_figures(
        board, translator, max_moments_per_page=max_moments_per_page, top_ideas=top_ideas
    ):
        buffer = io.BytesIO()
        # No "Software" chunk: the bytes depend on the board only.
        built.figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        png = buffer.getvalue()
        width, height = struct.unpack(">II", png[16:24])  # the PNG's own header (IHDR)
        pages.append(
            MapPage(
                png=png,
                alt_text=built.alt_text,
                page=built.page,
                page_count=built.page_count,
                first_moment=built.first_moment,
                last_moment=built.last_moment,
                width=width,
                height=height,
            )
        )
    return pages


def page_slices(count: int, per_page: int) -> list[range]:
    """Split `count` moments into balanced pages (25 by 8 gives 7, 6, 6, 6, not 8, 8, 8, 1)."""
    if per_page < 1:
        raise ValueError("a page shows at least one moment")
    pages = max(1, math.ceil(count / per_page))
    base, extra = divmod(count, pages)
    slices, start = [], 0
    for index in range(pages):
        size = base + (1 if index < extra else 0)
        slices.append(range(start, start + size))
        start += size
    return slices


def build_figures(
    board: Board,
    translator: Translator,
    *,
    max_moments_per_page: int = MAX_MOMENTS_PER_PAGE,
    top_ideas: int = TOP_IDEAS,
) -> list[PageFigure]:
    """Lay out and draw every page (not saved yet)."""
    top = {ranked.card.id: rank for rank, ranked in enumerate(top_tomorrow_cards(board, top_ideas))}
    slices = page_slices(len(board.moments), max_moments_per_page)
    built = []
    for index, indexes in enumerate(slices):
        page = PageLayout(board, translator, indexes, index + 1, len(slices), top)
        figure = page.draw()
        built.append(
            PageFigure(
                figure=figure,
                alt_text=alt_text(board, translator, indexes, top),
                page=index + 1,
                page_count=len(slices),
                first_moment=indexes.start + 1 if indexes else 0,
                last_moment=indexes.stop if indexes else 0,
            )
        )
    return built
