"""One page of the map laid out: header, legend, moments, then the cards, the feeling
curve (their own files) and the promises."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from bot.journeys.board import (
    PHASE_LABELS,
    TOUCHPOINT_LABELS,
    Column,
    Moment,
)
from bot.journeys.map_cards import CardBands
from bot.journeys.map_feeling import FeelingCurve
from bot.journeys.map_sheet import Sheet
from bot.journeys.map_style import (
    BAND_GAP,
    COLUMN_BG,
    CURVE,
    EMPTY,
    FEELING_BAND,
    GUTTER,
    GUTTER_LABEL,
    IRRITANTS,
    KEPT,
    LEGEND,
    LEGEND_IRRITANTS,
    LEGEND_KEPT,
    MARGIN,
    META,
    MORE,
    NAME,
    NAME_LINES,
    NO_IRRITANTS,
    NOTE,
    NOTE_LINES,
    PERSONA,
    PROMISE,
    PROMISE_LINES,
    PROMISES_TITLE,
    TITLE,
    TODAY_CAP,
    TOMORROW_CAP,
    TOP_EDGE,
    TOP_FILL,
    TOUCH,
    TextStyle,
)
from bot.journeys.words import format_count, format_rate, window_label


class PageLayout(CardBands, FeelingCurve):
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
