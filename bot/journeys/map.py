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
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from babel.numbers import format_decimal, format_percent
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.transforms import IdentityTransform
from matplotlib.typing import LineStyleType

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
    top_tomorrow_cards,
)

# Slack refuses an upload whose `alt_txt` is longer than 1,000 characters.
ALT_TEXT_MAX = 1000
MAX_MOMENTS_PER_PAGE = 8
TOP_IDEAS = 3
DPI = 100
FONT_FAMILY = "DejaVu Sans"

# Okabe–Ito colours (safe for colour-blind readers), with light tints for card fills.
INK = "#1D2329"
MUTED = "#5B6770"
FAINT = "#D5DADE"
COLUMN_BG = "#F6F7F8"
TODAY_FILL, TODAY_EDGE = "#EAF4FB", "#56B4E9"
TOMORROW_FILL, TOMORROW_EDGE = "#E3F4EE", "#009E73"
TOP_FILL, TOP_EDGE, TOP_INK = "#FFF0CC", "#E69F00", "#8F5600"
CURVE = "#0072B2"
GOOD_ZONE, BAD_ZONE = "#EEF6FB", "#FCEDE6"
IRRITANT_INK = "#C0392B"  # darkened vermillion: readable as text on white
KEPT_INK = "#00795C"

# Layout, in pixels at DPI.
MARGIN = 28
GUTTER = 150
COL_GAP = 14
NARROW_COL_W = 244
WIDE_COL_W = 300
MAX_COL_W = 440
MIN_WIDTH = 800
CARD_PAD = 7
CARD_GAP = 6
BAND_GAP = 12
MIN_BAND = 44
TODAY_CAP = 330
TOMORROW_CAP = 400
FEELING_BAND = 156
FEELING_PAD = 24
CARD_LINES = 5
TOP_CARD_LINES = 6
NAME_LINES = 3
NOTE_LINES = 2
PROMISE_LINES = 3

FontStyle = Literal["normal", "italic", "oblique"]
ELLIPSIS = "…"
LINESPACING = 1.2
_BREAKABLE = re.compile(r"[ \t\r\n\f\v]+")  # not the non-breaking spaces of French typography
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
        page = _Page(board, translator, indexes, index + 1, len(slices), top)
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


# ---------------------------------------------------------------- numbers and words


def format_feeling(value: float, locale: str) -> str:
    """A feeling (-2…+2) with its sign and one decimal, in the reader's locale: "+1.5", "−0,5"."""
    if abs(value) < 0.05:
        return format_decimal(0, "0.0", locale=locale)
    return format_decimal(value, "+0.0;-0.0", locale=locale).replace("-", "−")


def format_count(value: int, locale: str) -> str:
    """A count as the reader writes it: "1,234", « 1 234 »."""
    return format_decimal(value, locale=locale)


def format_rate(value: float, locale: str) -> str:
    """A share as the reader writes it: "80%", « 80 % »."""
    return format_percent(value, locale=locale)


def _clip(text: str, limit: int) -> str:
    text = " ".join(_BREAKABLE.split(text.strip()))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


# ---------------------------------------------------------------- alt text


def alt_text(board: Board, translator: Translator, indexes: range, top: dict[int, int]) -> str:
    """What the page shows, for screen readers: moments with their figures, then top ideas.

    Always within ALT_TEXT_MAX: texts are shortened and moments that do not fit are counted.
    """
    _ = translator
    locale = translator.locale
    moments = [board.moments[i] for i in indexes]
    head = _(
        "Journey map of “{task}” for {persona} ({line}).",
        task=_clip(board.task, 90),
        persona=_clip(board.persona.name, 40),
        line=_clip(board.persona.line, 70),
    )
    if len(indexes) < len(board.moments):
        head += " " + _(
            "Moments {first} to {last} of {total}.",
            first=indexes.start + 1,
            last=indexes.stop,
            total=len(board.moments),
        )
    elif not moments:
        head += " " + _("No moments of truth yet.")

    ideas = []
    for moment in moments:
        for card in moment.column(Column.TOMORROW):
            if card.id in top:
                ideas.append((top[card.id], moment, card))
    ideas.sort(key=lambda item: item[0])
    idea_parts = [
        _(
            "“{text}” ({votes}, {moment})",
            text=_clip(card.text, 80),
            moment=_clip(moment.name, 30),
            votes=translator.ngettext(
                "{n} vote", "{n} votes", card.votes, n=format_count(card.votes, translator.locale)
            ),
        )
        for _rank, moment, card in ideas
    ]
    ideas_text = (
        (" " + _("Most voted ideas: {ideas}.", ideas=". ".join(idea_parts))) if ideas else ""
    )

    parts = []
    for offset, moment in enumerate(moments):
        figures = [_(TOUCHPOINT_LABELS[moment.touchpoint])]
        if moment.feeling.mean is not None:
            figures.append(
                translator.ngettext(
                    "feeling {mean} ({n} rating)",
                    "feeling {mean} ({n} ratings)",
                    moment.feeling.count,
                    mean=format_feeling(moment.feeling.mean, locale),
                    n=format_count(moment.feeling.count, translator.locale),
                )
            )
        else:
            figures.append(_("not rated yet"))
        figures.append(
            translator.ngettext(
                "{n} open irritant",
                "{n} open irritants",
                moment.open_irritants,
                n=format_count(moment.open_irritants, translator.locale),
            )
            if moment.open_irritants
            else _("no open irritants")
        )
        if moment.kept_rate is not None:
            figures.append(_("promises kept {rate}", rate=format_rate(moment.kept_rate, locale)))
        parts.append(
            _(
                "{number}. {name}: {figures}.",
                number=indexes.start + offset + 1,
                name=_clip(moment.name, 40),
                figures=", ".join(figures),
            )
        )

    def more(count: int) -> str:
        return translator.ngettext(
            "(+{n} more moment)",
            "(+{n} more moments)",
            count,
            n=format_count(count, translator.locale),
        )

    text = head
    budget = ALT_TEXT_MAX - len(ideas_text)
    for shown, part in enumerate(parts):
        after = len(parts) - shown - 1
        tail = " " + more(after) if after else ""
        if len(text) + 1 + len(part) + len(tail) > budget:
            text += " " + more(len(parts) - shown)
            break
        text += " " + part
    text += ideas_text
    if len(text) > ALT_TEXT_MAX:  # only with extreme translations: never refuse the upload
        text = text[: ALT_TEXT_MAX - 1] + ELLIPSIS
    return text


# ---------------------------------------------------------------- fonts and measures


@cache
def _font_props(size: float, weight: str, style: FontStyle) -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=size, weight=weight, style=style)


@cache
def _charmap(weight: str, style: FontStyle) -> frozenset[int]:
    font = get_font(findfont(_font_props(10, weight, style), fallback_to_default=True))
    return frozenset(font.get_charmap())


def _printable(text: str, weight: str = "normal", style: FontStyle = "normal") -> str:
    """Control characters removed, glyphs the font lacks shown as □ (no warning, no tofu)."""
    known = _charmap(weight, style)
    text = _CONTROL.sub("", text)
    return "".join(c if ord(c) in known or c in "\n " else "□" for c in text)


@dataclass(frozen=True)
class _Style:
    size: float
    weight: str = "normal"
    style: FontStyle = "normal"
    color: str = INK

    @property
    def props(self) -> FontProperties:
        return _font_props(self.size, self.weight, self.style)


@cache
def _line_metrics(style: _Style) -> tuple[float, float]:
    """(height of one line, height each further line adds), with the tallest glyphs."""
    figure = Figure(dpi=DPI)
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    probe = "ÉÅÇÖ|jgpqy"
    heights = []
    for count in (1, 2):
        artist = figure.text(
            0, 0, "\n".join([probe] * count), fontproperties=style.props, linespacing=LINESPACING
        )
        heights.append(artist.get_window_extent(renderer).height)
    return heights[0], heights[1] - heights[0]


def _text_height(lines: int, style: _Style) -> float:
    """A text's height for its number of lines, as if every line had accented capitals."""
    first, step = _line_metrics(style)
    return 0 if lines == 0 else first + (lines - 1) * step + 1


_ADVANCES: dict[tuple[float, str, str], dict[str, float]] = {}
_CALIBRATION = "The quick brown fox jumps over the lazy dog: ÉTÉ, Ça, 0123456789 (Wq)!"


def _raw_width(text: str, style: _Style) -> float:
    """The sum of the glyphs' hinted advances, in the font's current units."""
    key = (style.size, style.weight, style.style)
    advances = _ADVANCES.get(key)
    if advances is None:
        advances = _ADVANCES.setdefault(key, {})
    total = 0.0
    font = None
    for char in text:
        advance = advances.get(char)
        if advance is None:
            if font is None:
                font = get_font(findfont(style.props, fallback_to_default=True))
                font.set_size(style.size, DPI)
            glyph = font.load_char(ord(char), flags=get_hinting_flag())  # type: ignore[no-untyped-call]
            advance = advances[char] = glyph.horiAdvance / 64
        total += advance
    return total


@cache
def _scale(size: float, weight: str, style: FontStyle) -> float:
    """Pixels per unit of `_raw_width`, with 1 % to spare, from one sentence laid out by Agg.

    Glyph advances come in units that vary with matplotlib's version (some lay text out at
    several times the resolution); one real measure per style turns them into pixels.
    """
    text_style = _Style(size, weight, style)
    figure = Figure(dpi=DPI)
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    real, _height, _descent = renderer.get_text_width_height_descent(
        _CALIBRATION, text_style.props, ismath=False
    )
    return float(real) / _raw_width(_CALIBRATION, text_style) * 1.01


def _measure(text: str, style: _Style) -> float:
    """A text's width in pixels, from the sum of its glyphs' advances.

    Asking the renderer lays the whole string out (a millisecond or two each time, thousands
    of times per board); the calibrated sum of advances is as wide as what Agg draws or a
    little wider (it ignores kerning and keeps 1 % to spare), so a line that fits by this
    measure fits on the picture. Being a sum, the width of "a b" is the width of "a", " " and
    "b": wrapping adds as it goes.
    """
    return _raw_width(text, style) * _scale(style.size, style.weight, style.style)


TITLE = _Style(20, "bold")
PERSONA = _Style(12.5)
META = _Style(10.5, color=MUTED)
LEGEND = _Style(10, color=INK)
LEGEND_IRRITANTS = _Style(10, "bold", color=IRRITANT_INK)
LEGEND_KEPT = _Style(10, "bold", color=KEPT_INK)
GUTTER_LABEL = _Style(11, "bold")
TICK = _Style(9, color=MUTED)
NAME = _Style(12.5, "bold")
TOUCH = _Style(9.5, color=MUTED)
NOTE = _Style(9, style="italic", color=MUTED)
IRRITANTS = _Style(9.5, "bold", color=IRRITANT_INK)
NO_IRRITANTS = _Style(9.5, color=MUTED)
KEPT = _Style(9.5, "bold", color=KEPT_INK)
CARD = _Style(9.5)
VOTES = _Style(8.5, "bold", color=MUTED)
TOP_VOTES = _Style(8.5, "bold", color=TOP_INK)
MORE = _Style(9, "bold", color=MUTED)
EMPTY = _Style(9, style="italic", color=MUTED)
FEELING_LABEL = _Style(9, "bold", color=CURVE)
PROMISES_TITLE = _Style(10.5, "bold")
PROMISE = _Style(10)


class _Sheet:
    """Texts and shapes placed in pixels from the top-left corner.

    A page is laid out twice: first on a dry sheet (`height=None`) that draws nothing and
    answers each text's height from line metrics, an upper bound, to learn the page's height;
    then on a real sheet of that height, where each text is measured as drawn. Measuring on
    the figure's final canvas lets saving reuse every measure (a new size means a new renderer
    and measuring everything again).
    """

    def __init__(self, width: int, height: int | None) -> None:
        self.width = width
        self.height = height
        self.dry = height is None
        # A hundredth of a pixel more: 1740 / 100 * 100 may come out as 1739.999…, which some
        # matplotlib versions round down to a pixel less.
        size = (width + 0.01) / DPI, ((height or 100) + 0.01) / DPI
        self.figure = Figure(figsize=size, dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.renderer: RendererAgg = self.figure.canvas.get_renderer()  # type: ignore[attr-defined]

    def y(self, top: float) -> float:
        """Matplotlib's y (pixels from the bottom) for `top` pixels from the top."""
        return (self.height or 0) - top

    # measures
    def measure(self, text: str, style: _Style) -> float:
        return _measure(text, style)

    def wrap(self, text: str, style: _Style, width: float, max_lines: int) -> list[str]:
        """Greedy word wrap to `width` pixels; a last line that does not fit ends with "…"."""
        words = [w for w in _BREAKABLE.split(_printable(text, style.weight, style.style)) if w]
        space = self.measure(" ", style)
        lines: list[str] = []
        current, current_w = "", 0.0
        truncated = False
        for word in words:
            word_w = self.measure(word, style)
            if current and current_w + space + word_w <= width:
                current, current_w = f"{current} {word}", current_w + space + word_w
                continue
            if not current and word_w <= width:
                current, current_w = word, word_w
                continue
            if current:
                lines.append(current)
            while word_w > width and len(lines) <= max_lines:  # longer than a line: cut it
                cut = self._longest_prefix(word, style, width)
                lines.append(word[:cut])
                word = word[cut:]
                word_w = self.measure(word, style)
            current, current_w = word, word_w
            if len(lines) > max_lines:
                truncated = True
                break
        if current and not truncated:
            lines.append(current)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            truncated = True
        if truncated and lines:
            last = lines[-1]
            while last and self.measure(last + ELLIPSIS, style) > width:
                last = last[:-1]
            lines[-1] = last.rstrip() + ELLIPSIS
        return lines

    def _longest_prefix(self, word: str, style: _Style, width: float) -> int:
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if self.measure(word[:middle], style) <= width:
                low = middle
            else:
                high = middle - 1
        return low

    def fit(self, text: str, style: _Style, width: float) -> str:
        """One line: the text, or as much of it as fits followed by "…"."""
        return "\n".join(self.wrap(text, style, width, 1))

    # drawing
    def text(
        self,
        lines: Sequence[str] | str,
        x: float,
        top: float,
        style: _Style,
        *,
        ha: str = "left",
        va: str = "top",
        gid: str | None = None,
        backdrop: bool = False,
    ) -> tuple[float, float]:
        """Draw a text anchored (`va`) at `top` pixels from the top; returns (width, height)."""
        content = lines if isinstance(lines, str) else "\n".join(lines)
        if self.dry:
            rows = content.split("\n")
            return max(self.measure(row, style) for row in rows), _text_height(len(rows), style)
        artist = self.figure.text(
            x,
            self.y(top),
            content,
            fontproperties=style.props,
            color=style.color,
            ha=ha,
            va=va,
            ma="left",
            linespacing=LINESPACING,
            transform=IdentityTransform(),
            parse_math=False,
            gid=gid,
            zorder=3,
        )
        if backdrop:
            artist.set_bbox(
                {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}
            )
        extent = artist.get_window_extent(self.renderer)
        return extent.width, extent.height

    def box(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        *,
        fill: str,
        edge: str = "none",
        linewidth: float = 1.0,
        rounded: bool = True,
        zorder: float = 1,
    ) -> None:
        if self.dry:
            return
        patch: Artist
        if rounded:
            patch = FancyBboxPatch(
                (x, self.y(top + height)),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=5",
                facecolor=fill,
                edgecolor=edge,
                linewidth=linewidth,
                transform=IdentityTransform(),
                zorder=zorder,
            )
        else:
            patch = Rectangle(
                (x, self.y(top + height)),
                width,
                height,
                facecolor=fill,
                edgecolor=edge,
                linewidth=linewidth,
                transform=IdentityTransform(),
                zorder=zorder,
            )
        self.figure.add_artist(patch)

    def line(
        self,
        xs: Sequence[float],
        tops: Sequence[float],
        *,
        color: str,
        width: float = 1.0,
        style: LineStyleType = "-",
        marker: str | None = None,
        zorder: float = 2,
    ) -> None:
        if self.dry:
            return
        artist = Line2D(
            list(xs),
            [self.y(t) for t in tops],
            color=color,
            linewidth=width,
            linestyle=style,
            marker=marker or "None",
            markersize=9,
            markerfacecolor=color,
            markeredgecolor="white",
            markeredgewidth=1.5,
            transform=IdentityTransform(),
            zorder=zorder,
            solid_capstyle="round",
        )
        self.figure.add_artist(artist)


# ---------------------------------------------------------------- one page


@dataclass
class _CardLayout:
    card: Card
    lines: list[str]
    votes_label: str | None
    top_rank: int | None
    height_estimate: float


class _Page:
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
        self.sheet = _Sheet(self.width, None)

    def column_x(self, offset: int) -> float:
        return MARGIN + GUTTER + offset * (self.col_w + COL_GAP)

    def text_height(self, lines: int, style: _Style) -> float:
        return _text_height(lines, style)

    def draw(self) -> Figure:
        """Lay the page out dry to learn its height, then for real on a canvas of that size."""
        self.sheet = _Sheet(self.width, None)
        height = math.ceil(self.layout()) + 2  # a margin for glyphs taller than the probe's
        self.sheet = _Sheet(self.width, height)
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
        items: list[tuple[str, str, _Style]] = [
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
    def header_parts(self, moment: Moment, number: int) -> list[tuple[list[str], _Style, str]]:
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
    def layout_cards(self, moment: Moment, column: Column) -> list[_CardLayout]:
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
            layouts.append(_CardLayout(card, lines, label, rank, height))
        return layouts

    def band_height(self, columns: list[list[_CardLayout]], cap: float) -> float:
        needed = [
            sum(c.height_estimate for c in cards) + CARD_GAP * max(0, len(cards) - 1)
            for cards in columns
        ]
        return max(MIN_BAND, min(cap, max(needed, default=0)))

    def draw_column(
        self, cards: list[_CardLayout], x: float, top: float, height: float, column: Column
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
        planned: list[_CardLayout] = []
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

    def shortened(self, layout: _CardLayout, room: float) -> _CardLayout | None:
        """The card cut to fit `room` pixels, if at least two lines of its text still fit."""
        chrome = layout.height_estimate - self.text_height(len(layout.lines), CARD)
        lines = len(layout.lines) - 1
        while lines >= 2 and chrome + self.text_height(lines, CARD) > room:
            lines -= 1
        if lines < 2:
            return None
        wrapped = self.sheet.wrap(layout.card.text, CARD, self.col_w - 2 * CARD_PAD, lines)
        height = chrome + self.text_height(len(wrapped), CARD)
        return _CardLayout(layout.card, wrapped, layout.votes_label, layout.top_rank, height)

    def draw_card(self, layout: _CardLayout, x: float, top: float, column: Column) -> float:
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


def window_label(translator: Translator, seconds: float) -> str:
    """A promise window as people say it: "24 hours", "3 days", "30 minutes"."""
    whole = int(seconds)
    if whole % 86400 == 0 and whole >= 3 * 86400:
        return translator.ngettext(
            "{n} day", "{n} days", whole // 86400, n=format_count(whole // 86400, translator.locale)
        )
    if whole % 3600 == 0:
        return translator.ngettext(
            "{n} hour", "{n} hours", whole // 3600, n=format_count(whole // 3600, translator.locale)
        )
    return translator.ngettext(
        "{n} minute",
        "{n} minutes",
        max(1, round(whole / 60)),
        n=format_count(max(1, round(whole / 60)), translator.locale),
    )


__all__ = [
    "ALT_TEXT_MAX",
    "MAX_MOMENTS_PER_PAGE",
    "MapPage",
    "PageFigure",
    "build_figures",
    "page_slices",
    "render_map",
    "window_label",
]
