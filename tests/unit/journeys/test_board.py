"""What a board is: its values refuse impossible states, and top ideas are ranked by votes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.journeys.board import (
    Board,
    Card,
    Column,
    Deadlines,
    Feeling,
    Moment,
    Persona,
    PromiseSummary,
    Touchpoint,
    top_tomorrow_cards,
)
from tests.unit.journeys.boards import contract_board


def _moment(moment_id: int, position: int, *cards: Card) -> Moment:
    return Moment(moment_id, position, f"moment {position}", Touchpoint.PHONE, cards=cards)


def _board(*moments: Moment) -> Board:
    return Board(1, "task", Persona("Claire", "buyer"), "C1", "U1", moments=moments)


def test_feeling_summarizes_ratings() -> None:
    assert Feeling.of([2, -1, 1, 0]) == Feeling(mean=0.5, count=4)
    assert Feeling.of([]) == Feeling(mean=None, count=0)
    with pytest.raises(ValueError, match="rating 3"):
        Feeling.of([1, 3])
    with pytest.raises(ValueError, match="between"):
        Feeling(mean=2.5, count=1)
    with pytest.raises(ValueError, match="mean exactly"):
        Feeling(mean=None, count=2)


def test_values_refuse_impossible_states() -> None:
    with pytest.raises(ValueError, match="only tomorrow"):
        Card(1, Column.TODAY, "text", votes=1)
    with pytest.raises(ValueError, match="kept rate"):
        Moment(1, 1, "m", Touchpoint.EMAIL, kept_rate=1.5)
    with pytest.raises(ValueError, match="time zone"):
        Deadlines(vote=datetime(2026, 12, 1, 12, 0))
    with pytest.raises(ValueError, match="positive"):
        PromiseSummary("p", timedelta(0))
    with pytest.raises(ValueError, match="order"):
        _board(_moment(1, 2), _moment(2, 1))
    with pytest.raises(ValueError, match="order"):
        _board(_moment(1, 1), _moment(2, 1))


def test_top_tomorrow_cards_are_the_most_voted_with_their_moment() -> None:
    ranked = top_tomorrow_cards(contract_board(), 3)
    assert [(r.moment.position, r.card.votes) for r in ranked] == [(4, 8), (1, 7), (3, 6)]
    assert all(r.card.column is Column.TOMORROW for r in ranked)


def test_top_tomorrow_cards_skip_unvoted_cards_and_keep_board_order_on_ties() -> None:
    board = _board(
        _moment(1, 1, Card(1, Column.TOMORROW, "a", votes=2), Card(2, Column.TODAY, "b")),
        _moment(
            2, 2, Card(3, Column.TOMORROW, "c", votes=0), Card(4, Column.TOMORROW, "d", votes=2)
        ),
        _moment(3, 3, Card(5, Column.TOMORROW, "e", votes=5)),
    )
    assert [r.card.id for r in top_tomorrow_cards(board, 10)] == [5, 1, 4]
    assert [r.card.id for r in top_tomorrow_cards(board, 2)] == [5, 1]
    assert top_tomorrow_cards(board, 0) == []


def test_tomorrow_cards_by_votes_then_in_their_order() -> None:
    moment = _moment(
        1,
        1,
        Card(1, Column.TOMORROW, "a", votes=1),
        Card(2, Column.TOMORROW, "b", votes=3),
        Card(3, Column.TODAY, "c"),
        Card(4, Column.TOMORROW, "d", votes=1),
    )
    assert [c.id for c in moment.tomorrow_by_votes()] == [2, 1, 4]
    assert [c.id for c in moment.column(Column.TODAY)] == [3]
