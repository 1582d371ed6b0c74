"""The cards of a map page: wrapped, stacked in their band, cut or counted when they don't fit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.journeys.board import (
    Card,
    Column,
    Moment,
)
from bot.journeys.map_grid import PageGrid
from bot.journeys.map_style import (
    CARD,
    CARD_GAP,
    CARD_LINES,
    CARD_PAD,
    EMPTY,
    MIN_BAND,
    MORE,
    TODAY_EDGE,
    TODAY_FILL,
    TOMORROW_EDGE,
    TOMORROW_FILL,
    TOP_CARD_LINES,
    TOP_EDGE,
    TOP_FILL,
    TOP_VOTES,
    VOTES,
)
from bot.journeys.words import format_count


@dataclass
class CardLayout:
    card: Card
    lines: list[str]
    votes_label: str | None
    top_rank: int | None
    height_estimate: float


class CardBands(PageGrid):
    """Today cards above each moment, tomorrow cards below it, the most voted highlighted."""

    def layout_cards(self, moment: Moment, column: Column) -> list[CardLayout]:
        cards = moment.column(column) if column is Column.TODAY else moment.tomorrow_by_votes()
        inner = self.col_w - 2 * CARD_PAD
        layouts = []
        for card in cards:
            rank = self.top.get(card.id)
            max_lines = TOP_CARD_LINES if rank is not None else CARD_LINES
            lines = self.sheet.wrap(card.text, CARD, inner, max_lines)
            label = None
            if column is Column.TOMORROW and card.votes:
                label = self._.ngettext(
                    "{n} vote", "{n} votes", card.votes, n=format_count(card.votes, self._.locale)
                )
                if rank is not None:
                    label = "★ " + label
            height = 2 * CARD_PAD + self.text_height(len(lines), CARD)
            if label:
                height += self.text_height(1, VOTES) + 3
            layouts.append(CardLayout(card, lines, label, rank, height))
        return layouts

    def band_height(self, columns: list[list[CardLayout]], cap: float) -> float:
        needed = [
            sum(c.height_estimate for c in cards) + CARD_GAP * max(0, len(cards) - 1)
            for cards in columns
        ]
        return max(MIN_BAND, min(cap, max(needed, default=0)))

    def draw_column(
        self, cards: list[CardLayout], x: float, top: float, height: float, column: Column
    ) -> None:
        """Cards stacked down from the band's top, or up from its bottom (next to the moment)
        for *today*; what does not fit is counted ("+3 more")."""
        _ = self._
        sheet = self.sheet
        anchored_low = column is Column.TODAY
        if not cards:
            empty_top = (
                top + height - self.text_height(1, EMPTY) - CARD_PAD if anchored_low else top
            )
            sheet.text(
                _("No cards yet"),
                x + CARD_PAD,
                empty_top + CARD_PAD * (not anchored_low),
                EMPTY,
                gid="empty-column",
            )
            return
        more_h = self.text_height(1, MORE) + CARD_GAP
        planned: list[CardLayout] = []
        used = 0.0
        for index, layout in enumerate(cards):
            reserve = 0 if index == len(cards) - 1 else more_h
            if used + layout.height_estimate + reserve > height:
                shorter = self.shortened(layout, height - reserve - used)
                if shorter is None:
                    break
                layout = shorter
            planned.append(layout)
            used += layout.height_estimate + CARD_GAP
        hidden = len(cards) - len(planned)
        if hidden:
            used += more_h
        y = top + (height - used + CARD_GAP if anchored_low else 0)
        for layout in planned:
            y += self.draw_card(layout, x, y, column) + CARD_GAP
        if hidden:
            label = _.ngettext("+{n} more", "+{n} more", hidden, n=format_count(hidden, _.locale))
            sheet.text(label, x + CARD_PAD, y + 1, MORE, gid=f"more-{column}")

    def shortened(self, layout: CardLayout, room: float) -> CardLayout | None:
        """The card cut to fit `room` pixels, if at least two lines of its text still fit."""
        chrome = layout.height_estimate - self.text_height(len(layout.lines), CARD)
        lines = len(layout.lines) - 1
        while lines >= 2 and chrome + self.text_height(lines, CARD) > room:
            lines -= 1
        if lines < 2:
            return None
        wrapped = self.sheet.wrap(layout.card.text, CARD, self.col_w - 2 * CARD_PAD, lines)
        height = chrome + self.text_height(len(wrapped), CARD)
        return CardLayout(layout.card, wrapped, layout.votes_label, layout.top_rank, height)

    def draw_card(self, layout: CardLayout, x: float, top: float, column: Column) -> float:
        sheet = self.sheet
        if layout.top_rank is not None:
            fill, edge, width = TOP_FILL, TOP_EDGE, 2.2
        elif column is Column.TODAY:
            fill, edge, width = TODAY_FILL, TODAY_EDGE, 1.0
        else:
            fill, edge, width = TOMORROW_FILL, TOMORROW_EDGE, 1.0
        y = top + CARD_PAD
        if layout.votes_label:
            style = TOP_VOTES if layout.top_rank is not None else VOTES
            _w, h = sheet.text(
                layout.votes_label, x + CARD_PAD, y, style, gid=f"votes-{layout.card.id}"
            )
            y += h + 3
        _w, h = sheet.text(layout.lines, x + CARD_PAD, y, CARD, gid=f"card-{layout.card.id}")
        y += h + CARD_PAD
        sheet.box(x, top, self.col_w, y - top, fill=fill, edge=edge, linewidth=width)
        return y - top
