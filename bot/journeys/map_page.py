"""One page of the map laid out: header, moments, cards, the feeling curve, promises."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

from bot.i18n import Translator
from bot.journeys.board import (
    FEELING_MAX,
    FEELING_MIN,
    PHASE_LABELS,
    TOUCHPOINT_LABELS,
    Board,
    Card,
    Column,
    Moment,
)
from bot.journeys.map_sheet import Sheet
from bot.journeys.map_style import (
    BAD_ZONE,
    BAND_GAP,
    CARD,
    CARD_GAP,
    CARD_LINES,
    CARD_PAD,
    COL_GAP,
    COLUMN_BG,
    CURVE,
    EMPTY,
    FAINT,
    FEELING_BAND,
    FEELING_LABEL,
    FEELING_PAD,
    GOOD_ZONE,
    GUTTER,
    GUTTER_LABEL,
    IRRITANTS,
    KEPT,
    LEGEND,
    LEGEND_IRRITANTS,
    LEGEND_KEPT,
    MARGIN,
    MAX_COL_W,
    META,
    MIN_BAND,
    MIN_WIDTH,
    MORE,
    NAME,
    NAME_LINES,
    NARROW_COL_W,
    NO_IRRITANTS,
    NOTE,
    NOTE_LINES,
    PERSONA,
    PROMISE,
    PROMISE_LINES,
    PROMISES_TITLE,
    TICK,
    TITLE,
    TODAY_CAP,
    TODAY_EDGE,
    TODAY_FILL,
    TOMORROW_CAP,
    TOMORROW_EDGE,
    TOMORROW_FILL,
    TOP_CARD_LINES,
    TOP_EDGE,
    TOP_FILL,
    TOP_VOTES,
    TOUCH,
    VOTES,
    WIDE_COL_W,
    TextStyle,
    text_height,
)
from bot.journeys.words import format_count, format_feeling, format_rate, window_label


@dataclass
class CardLayout:
    card: Card
    lines: list[str]
    votes_label: str | None
    top_rank: int | None
    height_estimate: float


class PageLayout:
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

    def draw(self) -> Figure:
        """Lay the page out dry to learn its height, then for real on a canvas of that size."""
        self.sheet = Sheet(self.width, None)
        height = math.ceil(self.layout()) + 2  # a margin for glyphs taller than the probe's
        self.sheet = Sheet(self.width, height)
        self.layout()
        return self.sheet.figure

    def layout(self) -> float:
        """Place everything on `self.sheet`; returns the page's height."""
        _ = self._
        sheet = self.sheet
        inner = self.width - 2 * MARGIN
        y = float(MARGIN)

        # Title, persona, what this picture is.
        _w, h = sheet.text(
            sheet.wrap(self.board.task, TITLE, inner, 2), MARGIN, y, TITLE, gid="title"
        )
        y += h + 6
        persona = _(
            "Persona: {name} — {line}", name=self.board.persona.name, line=self.board.persona.line
        )
        _w, h = sheet.text(
            sheet.wrap(persona, PERSONA, inner, 2), MARGIN, y, PERSONA, gid="persona"
        )
        y += h + 5
        meta = [
            _("Exercise n° {number}", number=self.board.number),
            _(PHASE_LABELS[self.board.phase]),
        ]
        total = len(self.board.moments)
        if self.page_count > 1:
            meta.append(
                _(
                    "moments {first} to {last} of {total} (page {page}/{pages})",
                    first=self.indexes.start + 1,
                    last=self.indexes.stop,
                    total=total,
                    page=self.page,
                    pages=self.page_count,
                )
            )
        else:
            meta.append(
                self._.ngettext(
                    "{n} moment of truth",
                    "{n} moments of truth",
                    total,
                    n=format_count(total, self._.locale),
                )
            )
        _w, h = sheet.text(
            sheet.wrap(" · ".join(meta), META, inner, 2), MARGIN, y, META, gid="meta"
        )
        y += h + 12
        y = self.legend(y) + 14

        if not self.moments:
            sheet.text(
                sheet.wrap(
                    _("No moments of truth yet: list them first, then fill both columns."),
                    EMPTY,
                    inner,
                    2,
                ),
                MARGIN,
                y,
                EMPTY,
                gid="empty",
            )
            return y + 40 + MARGIN

        grid_top = y
        today = [self.layout_cards(m, Column.TODAY) for m in self.moments]
        tomorrow = [self.layout_cards(m, Column.TOMORROW) for m in self.moments]
        today_h = self.band_height(today, TODAY_CAP)
        tomorrow_h = self.band_height(tomorrow, TOMORROW_CAP)
        header_h = max(
            self.header_height(moment, self.indexes.start + offset + 1)
            for offset, moment in enumerate(self.moments)
        )
        feeling_top = y + today_h + BAND_GAP + header_h + 4
        tomorrow_top = feeling_top + FEELING_BAND + BAND_GAP
        grid_bottom = tomorrow_top + tomorrow_h

        # Column backgrounds, then each band.
        for offset in range(len(self.moments)):
            sheet.box(
                self.column_x(offset) - 5,
                grid_top - 6,
                self.col_w + 10,
                grid_bottom - grid_top + 12,
                fill=COLUMN_BG,
                zorder=0,
            )
        self.gutter_label(_("What we do today"), y, "gutter-today")
        for offset, cards in enumerate(today):
            self.draw_column(cards, self.column_x(offset), y, today_h, Column.TODAY)

        header_top = y + today_h + BAND_GAP
        for offset, moment in enumerate(self.moments):
            self.draw_header(moment, self.indexes.start + offset + 1, offset, header_top)

        self.draw_feelings(feeling_top)

        self.gutter_label(_("What we could do tomorrow"), tomorrow_top, "gutter-tomorrow")
        for offset, cards in enumerate(tomorrow):
            self.draw_column(
                cards, self.column_x(offset), tomorrow_top, tomorrow_h, Column.TOMORROW
            )

        y = grid_bottom + 6 + BAND_GAP
        y = self.promises(y)
        return y + MARGIN - 6

    # legend and gutter
    def legend(self, top: float) -> float:
        """One row (wrapped if need be): swatches for what is drawn, coloured words for figures."""
        _ = self._
        sheet = self.sheet
        items: list[tuple[str, str, TextStyle]] = [
            ("top", _("★ Most voted ideas"), LEGEND),
            ("curve", _("Client's feeling today, from −2 to +2"), LEGEND),
            ("irritants", _("⚠ Open irritants linked to the moment"), LEGEND_IRRITANTS),
        ]
        if any(m.kept_rate is not None for m in self.board.moments):
            items.append(("kept", _("Promises kept: requests acknowledged in time"), LEGEND_KEPT))
        x, y = float(MARGIN), top
        row_h = self.text_height(1, LEGEND) + 2
        right = self.width - MARGIN
        for kind, label, style in items:
            swatch = 32 if kind in ("top", "curve") else 0
            label = sheet.fit(label, style, right - MARGIN - swatch)
            width = swatch + sheet.measure(label, style)
            if x + width > right and x > MARGIN:
                x, y = float(MARGIN), y + row_h + 6
            middle = y + row_h / 2
            if kind == "top":
                sheet.box(x, middle - 7, 26, 14, fill=TOP_FILL, edge=TOP_EDGE, linewidth=2)
            elif kind == "curve":
                sheet.line([x, x + 26], [middle, middle], color=CURVE, width=2.5)
                sheet.line([x + 13], [middle], color=CURVE, marker="o", zorder=3)
            sheet.text(label, x + swatch, middle, style, va="center", gid=f"legend-{kind}")
            x += width + 26
        return y + row_h

    def gutter_label(self, label: str, top: float, gid: str) -> None:
        self.sheet.text(
            self.sheet.wrap(label, GUTTER_LABEL, GUTTER - 18, 4), MARGIN, top, GUTTER_LABEL, gid=gid
        )

    # moments
    def header_parts(self, moment: Moment, number: int) -> list[tuple[list[str], TextStyle, str]]:
        _ = self._
        sheet = self.sheet
        width = self.col_w
        parts = [
            (sheet.wrap(f"{number}. {moment.name}", NAME, width, NAME_LINES), NAME, "name"),
            ([sheet.fit(_(TOUCHPOINT_LABELS[moment.touchpoint]), TOUCH, width)], TOUCH, "touch"),
        ]
        if moment.note:
            parts.append((sheet.wrap(moment.note, NOTE, width, NOTE_LINES), NOTE, "note"))
        if moment.open_irritants:
            irritants = self._.ngettext(
                "⚠ {n} open irritant",
                "⚠ {n} open irritants",
                moment.open_irritants,
                n=format_count(moment.open_irritants, self._.locale),
            )
        else:
            irritants = _("No open irritants")
        style = IRRITANTS if moment.open_irritants else NO_IRRITANTS
        parts.append(([sheet.fit(irritants, style, width)], style, "irritants"))
        if moment.kept_rate is not None:
            kept = _("Promises kept: {rate}", rate=format_rate(moment.kept_rate, self.locale))
            parts.append(([sheet.fit(kept, KEPT, width)], KEPT, "kept"))
        return parts

    def header_height(self, moment: Moment, number: int) -> float:
        parts = self.header_parts(moment, number)
        return sum(self.text_height(len(lines), style) + 3 for lines, style, _k in parts)

    def draw_header(self, moment: Moment, number: int, offset: int, top: float) -> None:
        x = self.column_x(offset)
        y = top
        for lines, style, kind in self.header_parts(moment, number):
            _w, h = self.sheet.text(lines, x, y, style, gid=f"moment-{kind}-{moment.id}")
            y += h + 3

    # cards
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

    # the feeling curve
    def feeling_y(self, top: float, value: float) -> float:
        span = FEELING_BAND - 2 * FEELING_PAD
        return top + FEELING_PAD + (FEELING_MAX - value) / (FEELING_MAX - FEELING_MIN) * span

    def draw_feelings(self, top: float) -> None:
        _ = self._
        sheet = self.sheet
        left = self.column_x(0) - 5
        right = self.column_x(len(self.moments) - 1) + self.col_w + 5
        zero = self.feeling_y(top, 0)
        sheet.box(left, top, right - left, zero - top, fill=GOOD_ZONE, rounded=False, zorder=0.5)
        sheet.box(
            left,
            zero,
            right - left,
            top + FEELING_BAND - zero,
            fill=BAD_ZONE,
            rounded=False,
            zorder=0.5,
        )
        for value in range(FEELING_MIN, FEELING_MAX + 1):
            y = self.feeling_y(top, value)
            sheet.line(
                [left, right],
                [y, y],
                color="#9AA5AD" if value == 0 else FAINT,
                width=1.2 if value == 0 else 0.8,
                style="-" if value == 0 else (0, (3, 3)),
                zorder=0.8,
            )
            label = format_feeling(value, self.locale).replace(",0", "").replace(".0", "")
            sheet.text(
                label, MARGIN + GUTTER - 12, y, TICK, ha="right", va="center", gid=f"tick-{value}"
            )
        self.sheet.text(
            sheet.wrap(_("Client's feeling today"), GUTTER_LABEL, GUTTER - 50, 4),
            MARGIN,
            top,
            GUTTER_LABEL,
            gid="gutter-feeling",
        )
        xs: list[float] = []
        ys: list[float] = []
        for offset, moment in enumerate(self.moments):
            centre = self.column_x(offset) + self.col_w / 2
            mean = moment.feeling.mean
            if mean is None:
                xs.append(centre)
                ys.append(math.nan)
                sheet.text(
                    _("not rated yet"),
                    centre,
                    zero,
                    EMPTY,
                    ha="center",
                    va="center",
                    gid=f"feeling-{moment.id}",
                    backdrop=True,
                )
                continue
            y = self.feeling_y(top, mean)
            xs.append(centre)
            ys.append(y)
            label = self._.ngettext(
                "{mean} · {n} rating",
                "{mean} · {n} ratings",
                moment.feeling.count,
                mean=format_feeling(mean, self.locale),
                n=format_count(moment.feeling.count, self._.locale),
            )
            # Above the point, or below it near the top; either way inside the band.
            above = mean < FEELING_MAX - 0.75
            sheet.text(
                label,
                centre,
                y - 9 if above else y + 9,
                FEELING_LABEL,
                ha="center",
                va="bottom" if above else "top",
                gid=f"feeling-{moment.id}",
                backdrop=True,
            )
        sheet.line(xs, ys, color=CURVE, width=2.5, marker="o", zorder=2.5)
        # Across moments nobody rated, a thin dotted line keeps the curve's direction readable.
        rated = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
        if len(rated) < len(xs) and len(rated) > 1:
            sheet.line(
                [x for x, _y in rated], [y for _x, y in rated], color=CURVE, width=1, style=":"
            )

    # promises
    def promises(self, top: float) -> float:
        _ = self._
        sheet = self.sheet
        promises = self.board.promises
        if not promises:
            return top
        inner = self.width - 2 * MARGIN
        _w, h = sheet.text(_("Client promises"), MARGIN, top, PROMISES_TITLE, gid="promises-title")
        y = top + h + 4
        shown = promises[:PROMISE_LINES]
        for index, promise in enumerate(shown):
            text = "✓ " + promise.text
            if promise.window is not None:
                text += " · " + window_label(self._, promise.window.total_seconds())
            _w, h = sheet.text(
                sheet.fit(text, PROMISE, inner), MARGIN, y, PROMISE, gid=f"promise-{index}"
            )
            y += h + 3
        if len(promises) > len(shown):
            more = self._.ngettext(
                "+{n} more",
                "+{n} more",
                len(promises) - len(shown),
                n=format_count(len(promises) - len(shown), self._.locale),
            )
            _w, h = sheet.text(more, MARGIN, y, MORE, gid="promises-more")
            y += h + 3
        return y
