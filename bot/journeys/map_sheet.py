"""A page's drawing surface: places text and shapes in pixels on a matplotlib figure."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.transforms import IdentityTransform
from matplotlib.typing import LineStyleType

from bot.journeys.map_style import DPI, LINESPACING, TextStyle, measure, printable, text_height
from bot.journeys.words import BREAKABLE, ELLIPSIS


class Sheet:
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
    def measure(self, text: str, style: TextStyle) -> float:
        return measure(text, style)

    def wrap(self, text: str, style: TextStyle, width: float, max_lines: int) -> list[str]:
        """Greedy word wrap to `width` pixels; a last line that does not fit ends with "…"."""
        words = [w for w in BREAKABLE.split(printable(text, style.weight, style.style)) if w]
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

    def _longest_prefix(self, word: str, style: TextStyle, width: float) -> int:
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if self.measure(word[:middle], style) <= width:
                low = middle
            else:
                high = middle - 1
        return low

    def fit(self, text: str, style: TextStyle, width: float) -> str:
        """One line: the text, or as much of it as fits followed by "…"."""
        return "\n".join(self.wrap(text, style, width, 1))

    # drawing
    def text(
        self,
        lines: Sequence[str] | str,
        x: float,
        top: float,
        style: TextStyle,
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
            return max(self.measure(row, style) for row in rows), text_height(len(rows), style)
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
