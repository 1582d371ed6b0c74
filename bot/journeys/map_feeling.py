"""The client's feeling on a map page: a curve across the moments, from -2 to +2."""

from __future__ import annotations

import math

from bot.journeys.board import (
    FEELING_MAX,
    FEELING_MIN,
)
from bot.journeys.map_grid import PageGrid
from bot.journeys.map_style import (
    BAD_ZONE,
    CURVE,
    EMPTY,
    FAINT,
    FEELING_BAND,
    FEELING_LABEL,
    FEELING_PAD,
    GOOD_ZONE,
    GUTTER,
    GUTTER_LABEL,
    MARGIN,
    TICK,
)
from bot.journeys.words import format_count, format_feeling


class FeelingCurve(PageGrid):
    """The band between the moments and the tomorrow cards where the feeling is drawn."""

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
