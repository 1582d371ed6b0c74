"""The board in Block Kit stays inside Slack's limits however big the board is: every page
passes the stand-in's validation (the one that answers `invalid_blocks` like Slack)."""

from __future__ import annotations

import json

import pytest

from bot.i18n import Translator
from handlers.blocks.journey_board import (
    MESSAGE_BLOCKS,
    MODAL_BLOCKS,
    board_frame,
    board_pages,
)
from tests.slack_standin.validation import block_problems
from tests.unit.journeys.boards import contract_board, full_board


def _pages(board, limit: int, locale: str) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    _ = Translator(locale)
    pages = board_pages(board, _, limit=limit, exercise_id=7)
    return [
        [block.to_dict() for block in board_frame(board, page, index, len(pages), 7, _)]
        for index, page in enumerate(pages)
    ]


@pytest.mark.parametrize("limit", [MESSAGE_BLOCKS, MODAL_BLOCKS])
@pytest.mark.parametrize("locale", ["en", "fr"])
def test_a_full_board_pages_within_the_limits(limit: int, locale: str) -> None:
    board = full_board(25, locale, cards_per_column=20)  # 40 cards a moment, texts at their max
    pages = _pages(board, limit, locale)
    assert len(pages) > 1
    for page in pages:
        assert block_problems(page, limit=limit, root="/blocks") == []
    shown = json.dumps(pages, ensure_ascii=False)
    for moment in board.moments:  # every moment is on some page
        assert f"*{moment.position}. " in shown


def test_a_small_board_is_one_page_without_page_buttons() -> None:
    [page] = _pages(contract_board(), MESSAGE_BLOCKS, "en")
    assert block_problems(page, limit=MESSAGE_BLOCKS, root="/blocks") == []
    assert not any(block.get("block_id") == "board-pages" for block in page)
    assert "Sales asks us for a contract" in json.dumps(page)
