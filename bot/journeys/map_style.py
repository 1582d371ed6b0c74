"""The map's look: sizes and colours, fonts, and text measured in pixels before drawing.

Measures come from matplotlib's own Agg renderer, calibrated once per style, so the
layout wraps text exactly where the drawing will (see `measure`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font

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
LINESPACING = 1.2
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def font_props(size: float, weight: str, style: FontStyle) -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=size, weight=weight, style=style)


@cache
def _charmap(weight: str, style: FontStyle) -> frozenset[int]:
    font = get_font(findfont(font_props(10, weight, style), fallback_to_default=True))
    return frozenset(font.get_charmap())


def printable(text: str, weight: str = "normal", style: FontStyle = "normal") -> str:
    """Control characters removed, glyphs the font lacks shown as □ (no warning, no tofu)."""
    known = _charmap(weight, style)
    text = CONTROL.sub("", text)
    return "".join(c if ord(c) in known or c in "\n " else "□" for c in text)


@dataclass(frozen=True)
class TextStyle:
    size: float
    weight: str = "normal"
    style: FontStyle = "normal"
    color: str = INK

    @property
    def props(self) -> FontProperties:
        return font_props(self.size, self.weight, self.style)


@cache
def line_metrics(style: TextStyle) -> tuple[float, float]:
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


def text_height(lines: int, style: TextStyle) -> float:
    """A text's height for its number of lines, as if every line had accented capitals."""
    first, step = line_metrics(style)
    return 0 if lines == 0 else first + (lines - 1) * step + 1


_ADVANCES: dict[tuple[float, str, str], dict[str, float]] = {}
_CALIBRATION = "The quick brown fox jumps over the lazy dog: ÉTÉ, Ça, 0123456789 (Wq)!"


def _raw_width(text: str, style: TextStyle) -> float:
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
    text_style = TextStyle(size, weight, style)
    figure = Figure(dpi=DPI)
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    real, _height, _descent = renderer.get_text_width_height_descent(
        _CALIBRATION, text_style.props, ismath=False
    )
    return float(real) / _raw_width(_CALIBRATION, text_style) * 1.01


def measure(text: str, style: TextStyle) -> float:
    """A text's width in pixels, from the sum of its glyphs' advances.

    Asking the renderer lays the whole string out (a millisecond or two each time, thousands
    of times per board); the calibrated sum of advances is as wide as what Agg draws or a
    little wider (it ignores kerning and keeps 1 % to spare), so a line that fits by this
    measure fits on the picture. Being a sum, the width of "a b" is the width of "a", " " and
    "b": wrapping adds as it goes.
    """
    return _raw_width(text, style) * _scale(style.size, style.weight, style.style)


TITLE = TextStyle(20, "bold")
PERSONA = TextStyle(12.5)
META = TextStyle(10.5, color=MUTED)
LEGEND = TextStyle(10, color=INK)
LEGEND_IRRITANTS = TextStyle(10, "bold", color=IRRITANT_INK)
LEGEND_KEPT = TextStyle(10, "bold", color=KEPT_INK)
GUTTER_LABEL = TextStyle(11, "bold")
TICK = TextStyle(9, color=MUTED)
NAME = TextStyle(12.5, "bold")
TOUCH = TextStyle(9.5, color=MUTED)
NOTE = TextStyle(9, style="italic", color=MUTED)
IRRITANTS = TextStyle(9.5, "bold", color=IRRITANT_INK)
NO_IRRITANTS = TextStyle(9.5, color=MUTED)
KEPT = TextStyle(9.5, "bold", color=KEPT_INK)
CARD = TextStyle(9.5)
VOTES = TextStyle(8.5, "bold", color=MUTED)
TOP_VOTES = TextStyle(8.5, "bold", color=TOP_INK)
MORE = TextStyle(9, "bold", color=MUTED)
EMPTY = TextStyle(9, style="italic", color=MUTED)
FEELING_LABEL = TextStyle(9, "bold", color=CURVE)
PROMISES_TITLE = TextStyle(10.5, "bold")
PROMISE = TextStyle(10)
