"""The grid every map page is drawn on: its width, its columns, text heights."""

from __future__ import annotations

from bot.i18n import Translator
from bot.journeys.board import Board
from bot.journeys.map_sheet import Sheet
from bot.journeys.map_style import (
    COL_GAP,
    GUTTER,
    MARGIN,
    MAX_COL_W,
    MIN_WIDTH,
    NARROW_COL_W,
    WIDE_COL_W,
    TextStyle,
    text_height,
)


class PageGrid:
    """A page's geometry: how wide the moment columns are, for how many moments."""

    def __init__(
        self,
        board: Board,
        translator: Translator,
        indexes: range,
        page: int,
        page_count: int,
        top: dict[int, int],
    ) -> None:
        self.board = board
        self._ = translator
        self.locale = translator.locale
        self.indexes = indexes
        self.moments = [board.moments[i] for i in indexes]
        self.page = page
        self.page_count = page_count
        self.top = top
        count = max(1, len(self.moments))
        # Few moments get wider columns, up to filling the narrowest picture.
        room = (MIN_WIDTH - 2 * MARGIN - GUTTER - (count - 1) * COL_GAP) // count
        if count <= 4:
            self.col_w = max(WIDE_COL_W, min(MAX_COL_W, room))
        else:
            self.col_w = NARROW_COL_W
        grid = GUTTER + count * self.col_w + (count - 1) * COL_GAP
        self.width = max(MIN_WIDTH, 2 * MARGIN + grid)
        self.sheet = Sheet(self.width, None)

    def column_x(self, offset: int) -> float:
        return MARGIN + GUTTER + offset * (self.col_w + COL_GAP)

    def text_height(self, lines: int, style: TextStyle) -> float:
        return text_height(lines, style)
