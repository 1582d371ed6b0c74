"""The journey map picture: every label drawn, nothing outside the picture, nothing overlapping.

The boards at the limits (3 and 25 moments, every text at its maximum length, in French) are
laid out once per module; their figures are inspected before saving, through the renderer's
window extents.
"""

from __future__ import annotations

import itertools
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot.i18n import Translator
from bot.journeys.alt_text import ALT_TEXT_MAX
from bot.journeys.board import (
    Board,
    Card,
    Column,
    Feeling,
    Moment,
    Persona,
    PromiseSummary,
    Touchpoint,
)
from bot.journeys.map import (
    MAX_MOMENTS_PER_PAGE,
    PageFigure,
    build_figures,
    page_slices,
    render_map,
)
from bot.journeys.map_style import CARD_PAD, MAX_COL_W, NARROW_COL_W
from tests.unit.journeys.boards import contract_board, full_board

TOLERANCE = 0.5  # pixels


@dataclass
class Drawn:
    figure: Figure
    texts: list[tuple[Text, Bbox]]

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.figure.canvas.get_width_height()
        return width, height

    def by_gid(self, gid: str) -> list[Text]:
        return [text for text, _box in self.texts if text.get_gid() == gid]


def _drawn(page: PageFigure, *, rasterize: bool = True) -> Drawn:
    """The page's texts with their extents in pixels. Extents come from the same layout with or
    without rasterizing (positions are fixed before drawing); rasterizing proves it draws."""
    figure = page.figure
    if rasterize:
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [
        (text, text.get_window_extent(renderer))
        for text in figure.texts
        if text.get_visible() and text.get_text()
    ]
    return Drawn(figure, texts)


@pytest.fixture(scope="module")
def french_25() -> tuple[Board, list[PageFigure], list[Drawn]]:
    board = full_board(25, "fr")
    pages = build_figures(board, Translator("fr"))
    # Rasterizing four dense pages costs seconds; the first is enough to prove they draw.
    return board, pages, [_drawn(page, rasterize=index == 0) for index, page in enumerate(pages)]


@pytest.fixture(scope="module")
def french_3() -> tuple[Board, list[PageFigure], list[Drawn]]:
    board = full_board(3, "fr", seed=3)
    pages = build_figures(board, Translator("fr"))
    return board, pages, [_drawn(page) for page in pages]


@pytest.fixture(scope="module")
def english_sample() -> tuple[Board, list[PageFigure], list[Drawn]]:
    board = contract_board()
    pages = build_figures(board, Translator("en"))
    return board, pages, [_drawn(page) for page in pages]


def _overlaps(drawn: Drawn) -> list[tuple[str, str]]:
    found = []
    for (a, box_a), (b, box_b) in itertools.combinations(drawn.texts, 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > TOLERANCE and height > TOLERANCE:
            found.append(
                (f"{a.get_gid()}: {a.get_text()[:30]}", f"{b.get_gid()}: {b.get_text()[:30]}")
            )
    return found


def _outside(drawn: Drawn) -> list[str]:
    width, height = drawn.size
    return [
        f"{text.get_gid()}: {box}"
        for text, box in drawn.texts
        if box.x0 < -TOLERANCE
        or box.y0 < -TOLERANCE
        or box.x1 > width + TOLERANCE
        or box.y1 > height + TOLERANCE
    ]


def _check_layout(board: Board, pages: list[PageFigure], drawn: list[Drawn]) -> None:
    shown: list[int] = []
    for page, picture in zip(pages, drawn, strict=True):
        assert _outside(picture) == []
        assert _overlaps(picture) == []
        width, height = picture.size
        assert 800 <= width <= 2100, width  # wide enough to read, narrow enough for a preview
        assert 400 <= height <= 1500, height
        assert 0.5 <= width / height <= 3
        for text, _box in picture.texts:  # nothing smaller than 8.5 pt at 100 dpi
            assert text.get_fontsize() >= 8.5, text.get_gid()
        moments = board.moments[page.first_moment - 1 : page.last_moment]
        column = MAX_COL_W if len(moments) <= 4 else NARROW_COL_W
        for text, box in picture.texts:  # texts stay inside their card or column
            gid = text.get_gid() or ""
            if gid.startswith(("card-", "votes-")):
                assert box.width <= column - 2 * CARD_PAD + TOLERANCE, gid
            elif gid.startswith("moment-"):
                assert box.width <= column + TOLERANCE, gid
        for moment in moments:
            assert len(picture.by_gid(f"moment-name-{moment.id}")) == 1, moment.name
            assert len(picture.by_gid(f"feeling-{moment.id}")) == 1
            shown.append(moment.id)
        assert picture.by_gid("title")
    assert shown == [moment.id for moment in board.moments]


def test_25_moments_in_french_at_every_limit_read_without_overlaps(
    french_25: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    board, pages, drawn = french_25
    assert len(pages) == 4
    assert [(p.first_moment, p.last_moment) for p in pages] == [(1, 7), (8, 13), (14, 19), (20, 25)]
    _check_layout(board, pages, drawn)


def test_3_moments_in_french_at_every_limit_read_without_overlaps(
    french_3: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    board, pages, drawn = french_3
    assert len(pages) == 1
    _check_layout(board, pages, drawn)


def test_english_sample_reads_without_overlaps(
    english_sample: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    board, pages, drawn = english_sample
    _check_layout(board, pages, drawn)


def test_long_moment_names_are_cut_with_an_ellipsis_and_full_columns_say_how_many_more(
    french_25: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    board, _pages, drawn = french_25
    first = board.moments[0]
    name = drawn[0].by_gid(f"moment-name-{first.id}")[0].get_text()
    assert name.endswith("…")
    assert name.startswith("1. " + first.name.split()[0])
    mores = [
        t.get_text() for page in drawn for t, _b in page.texts if t.get_gid() == "more-tomorrow"
    ]
    assert mores
    assert all(m.startswith("+") and m.endswith("autres") for m in mores)
    cards = [t for page in drawn for t, _b in page.texts if (t.get_gid() or "").startswith("card-")]
    assert cards
    assert all(t.get_text().count("\n") <= 5 for t in cards)


def test_french_labels_are_french(french_25: tuple[Board, list[PageFigure], list[Drawn]]) -> None:
    _board, _pages, drawn = french_25
    page = drawn[0]
    assert page.by_gid("gutter-today")[0].get_text().replace("\n", " ") == (
        "Ce que nous faisons aujourd’hui"
    )
    assert page.by_gid("legend-top")[0].get_text() == "★ Idées les plus votées"
    assert "Exercice n°\u00a012345" in page.by_gid("meta")[0].get_text()
    assert "page 1/4" in page.by_gid("meta")[0].get_text()
    # Babel's French percent: "88 %" with a non-breaking space.
    kept = [t.get_text() for t, _b in page.texts if (t.get_gid() or "").startswith("moment-kept")]
    assert kept
    assert all("\u202f:" in k and k.endswith("\u00a0%") for k in kept)


def test_top_voted_ideas_are_highlighted_with_their_votes(
    english_sample: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    _board, _pages, drawn = english_sample
    votes = {
        t.get_gid(): t.get_text()
        for t, _b in drawn[0].texts
        if (t.get_gid() or "").startswith("votes-")
    }
    assert sorted(v for v in votes.values() if v.startswith("★")) == [
        "★ 6 votes",
        "★ 7 votes",
        "★ 8 votes",
    ]
    assert len(votes) == 12
    assert votes["votes-4"] == "3 votes"
    assert drawn[0].by_gid("moment-irritants-3")[0].get_text() == "⚠ 3 open irritants"
    assert drawn[0].by_gid("moment-kept-4")[0].get_text() == "Promises kept: 80%"
    assert drawn[0].by_gid("feeling-3")[0].get_text() == "−1.4 · 5 ratings"


def test_alt_text_states_the_figures_within_slacks_limit(
    french_25: tuple[Board, list[PageFigure], list[Drawn]],
    english_sample: tuple[Board, list[PageFigure], list[Drawn]],
) -> None:
    for page in french_25[1]:
        assert len(page.alt_text) <= ALT_TEXT_MAX
        assert page.alt_text.startswith("Carte du parcours «\u00a0")
        assert f"Moments {page.first_moment} à {page.last_moment} sur 25." in page.alt_text
    alt = english_sample[1][0].alt_text
    assert len(alt) <= ALT_TEXT_MAX
    for moment in english_sample[0].moments:
        assert moment.name in alt
    assert (
        "3. First draft of the contract: Document, feeling −1.4 (5 ratings), 3 open irritants."
        in alt
    )
    assert "Most voted ideas: “Anyone who hears the phone" in alt


def test_pages_are_balanced() -> None:
    assert [len(r) for r in page_slices(25, 8)] == [7, 6, 6, 6]
    assert [len(r) for r in page_slices(8, 8)] == [8]
    assert [len(r) for r in page_slices(9, 8)] == [5, 4]
    assert [len(r) for r in page_slices(0, 8)] == [0]
    with pytest.raises(ValueError, match="at least one"):
        page_slices(3, 0)


def _png_chunks(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        chunks.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_is_deterministic_undated_and_the_same_from_a_worker_thread() -> None:
    board = contract_board()
    pages = render_map(board, Translator("en"))
    assert len(pages) == 1
    page = pages[0]
    assert _png_size(page.png) == (page.width, page.height)
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(_png_chunks(page.png))
    with ThreadPoolExecutor(max_workers=2) as pool:
        again = list(pool.map(lambda _n: render_map(board, Translator("en"))[0].png, range(2)))
    assert again == [page.png, page.png]
    assert len(page.png) < 1_000_000


def test_a_board_without_moments_says_what_to_do() -> None:
    board = Board(1, "Handling a support call", Persona("Sam", "a client"), "C1", "U1")
    pages = build_figures(board, Translator("en"))
    assert len(pages) == 1
    drawn = _drawn(pages[0])
    assert drawn.by_gid("empty")[0].get_text().startswith("No moments of truth yet")
    assert _overlaps(drawn) == []
    assert _outside(drawn) == []
    assert "No moments of truth yet." in pages[0].alt_text


_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=120
).map(lambda s: s or "x")
_cards = st.lists(st.tuples(st.sampled_from(list(Column)), _texts, st.integers(0, 40)), max_size=5)


@st.composite
def _boards(draw: st.DrawFn) -> Board:
    moments = []
    card_id = 0
    for index in range(draw(st.integers(1, 4))):
        cards = []
        for column, text, votes in draw(_cards):
            card_id += 1
            cards.append(
                Card(card_id, column, text, None, votes if column is Column.TOMORROW else 0)
            )
        ratings = draw(st.lists(st.integers(-2, 2), max_size=4))
        moments.append(
            Moment(
                index + 1,
                index + 1,
                draw(_texts),
                draw(st.sampled_from(list(Touchpoint))),
                note=draw(st.none() | _texts),
                feeling=Feeling.of(ratings),
                open_irritants=draw(st.integers(0, 10**6)),
                kept_rate=draw(st.none() | st.floats(0, 1)),
                cards=tuple(cards),
            )
        )
    return Board(
        draw(st.integers(1, 10**6)),
        draw(_texts),
        Persona(draw(_texts), draw(_texts)),
        "C1",
        "U1",
        moments=tuple(moments),
        promises=tuple(PromiseSummary(text) for text in draw(st.lists(_texts, max_size=4))),
    )


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(board=_boards(), locale=st.sampled_from(["en", "fr"]))
def test_any_small_board_is_laid_out_without_overlaps(board: Board, locale: str) -> None:
    pages = build_figures(board, Translator(locale), max_moments_per_page=MAX_MOMENTS_PER_PAGE)
    for page in pages:
        drawn = _drawn(page)
        assert _overlaps(drawn) == []
        assert _outside(drawn) == []
        assert len(page.alt_text) <= ALT_TEXT_MAX
        for moment in board.moments:
            assert len(drawn.by_gid(f"moment-name-{moment.id}")) == 1
