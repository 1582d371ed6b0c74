"""Journey exports: JSON matches its published schema, CSV is safe in spreadsheets, Markdown reads
well in both languages."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from bot.i18n import Translator
from bot.journeys.board import (
    Board,
    Card,
    Column,
    Deadlines,
    Feeling,
    Moment,
    Persona,
    Phase,
    PromiseSummary,
    Touchpoint,
)
from bot.journeys.export import (
    CSV_COLUMNS,
    board_record,
    export_csv,
    export_json,
    export_markdown,
    iso_duration,
)
from tests.unit.journeys.boards import contract_board, full_board

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "docs" / "journey-export.schema.json").read_text()
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())

_text = st.text(max_size=40)
_when = st.none() | st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@st.composite
def boards(draw: st.DrawFn) -> Board:
    card_id = 0
    moments = []
    for index in range(draw(st.integers(0, 4))):
        cards = []
        for column in draw(st.lists(st.sampled_from(list(Column)), max_size=4)):
            card_id += 1
            votes = draw(st.integers(0, 50)) if column is Column.TOMORROW else 0
            cards.append(Card(card_id, column, draw(_text), draw(st.none() | _text), votes))
        moments.append(
            Moment(
                index,
                draw(st.integers(0, 3)) + 4 * index,
                draw(_text),
                draw(st.sampled_from(list(Touchpoint))),
                note=draw(st.none() | _text),
                feeling=Feeling.of(draw(st.lists(st.integers(-2, 2), max_size=6))),
                open_irritants=draw(st.integers(0, 1000)),
                kept_rate=draw(st.none() | st.floats(0, 1)),
                cards=tuple(cards),
            )
        )
    windows = st.none() | st.integers(1, 10**7).map(lambda s: timedelta(seconds=s))
    return Board(
        number=draw(st.integers(1, 10**6)),
        task=draw(_text),
        persona=Persona(draw(_text), draw(_text)),
        channel_id=draw(_text),
        facilitator_id=draw(_text),
        phase=draw(st.sampled_from(list(Phase))),
        description=draw(st.none() | _text),
        deadlines=Deadlines(draw(_when), draw(_when), draw(_when)),
        anonymous=draw(st.booleans()),
        moments=tuple(moments),
        promises=tuple(
            PromiseSummary(text, window)
            for text, window in draw(st.lists(st.tuples(_text, windows), max_size=3))
        ),
    )


@settings(max_examples=60, deadline=None)
@given(board=boards())
def test_json_export_of_any_board_matches_the_schema(board: Board) -> None:
    document = json.loads(export_json(board))
    VALIDATOR.validate(document)
    assert [m["position"] for m in document["moments"]] == [m.position for m in board.moments]
    if board.anonymous:
        assert all(c["author"] is None for m in document["moments"] for c in m["cards"])


def test_boards_at_every_limit_match_the_schema() -> None:
    for board in (full_board(25, "fr"), full_board(3, "en"), contract_board()):
        VALIDATOR.validate(json.loads(export_json(board)))


def _rename(document: dict[str, Any], path: list[str | int], new: str) -> None:
    *parents, last = path
    node: Any = document
    for key in parents:
        node = node[key]
    node[new] = node.pop(last)


@pytest.mark.parametrize(
    "path",
    [
        ["exercise"],
        ["exercise", "persona", "line"],
        ["exercise", "deadlines", "vote"],
        ["moments", 0, "open_irritants"],
        ["moments", 0, "feeling", "mean"],
        ["moments", 0, "cards", 0, "votes"],
        ["promises", 0, "window"],
    ],
)
def test_a_renamed_field_fails_the_schema(path: list[str | int]) -> None:
    document = board_record(contract_board())
    VALIDATOR.validate(document)
    _rename(document, path, "renamed")
    with pytest.raises(ValidationError, match="'renamed' was unexpected"):
        VALIDATOR.validate(document)


def test_json_export_fields() -> None:
    document = json.loads(export_json(contract_board()))
    exercise = document["exercise"]
    assert exercise["number"] == 6
    assert exercise["phase"] == "vote"
    assert exercise["deadlines"]["vote"] == "2026-12-04T17:00:00Z"
    first = document["moments"][0]
    assert first["touchpoint"] == "email"
    assert first["feeling"] == {"mean": -0.8, "count": 5}
    assert first["cards"][2] == {
        "column": "tomorrow",
        "text": "Acknowledge every request within 24 hours, even to say when we'll answer",
        "author": "U02BRUNO",
        "votes": 7,
    }
    assert document["promises"][0]["window"] == "PT24H"


def test_iso_durations() -> None:
    assert iso_duration(None) is None
    assert iso_duration(timedelta(hours=24)) == "PT24H"
    assert iso_duration(timedelta(hours=1, minutes=30)) == "PT1H30M"
    assert iso_duration(timedelta(seconds=45)) == "PT45S"
    assert iso_duration(timedelta(days=3)) == "PT72H"


def _rows(board: Board) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_csv(board))))


def test_csv_has_one_row_per_card_with_its_moment() -> None:
    board = contract_board()
    rows = _rows(board)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == sum(len(m.cards) for m in board.moments)
    assert rows[0]["moment_name"] == "Sales asks us for a contract"
    assert rows[0]["feeling_mean"] == "-0.8"  # a number, not text: no formula prefix on numbers
    assert rows[2]["column"] == "tomorrow"
    assert rows[2]["votes"] == "7"


def test_csv_keeps_moments_without_cards_and_hides_anonymous_authors() -> None:
    board = Board(
        1,
        "t",
        Persona("p", "l"),
        "C1",
        "U1",
        anonymous=True,
        moments=(
            Moment(1, 1, "empty", Touchpoint.PHONE),
            Moment(2, 2, "full", Touchpoint.EMAIL, cards=(Card(1, Column.TODAY, "x", "U9"),)),
        ),
    )
    rows = _rows(board)
    assert [(r["moment_name"], r["text"], r["author"]) for r in rows] == [
        ("empty", "", ""),
        ("full", "x", ""),
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_cannot_run_as_formulas(start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil")'
    board = Board(
        1,
        payload,
        Persona(payload, payload),
        "C1",
        "U1",
        moments=(
            Moment(
                1,
                1,
                payload,
                Touchpoint.PHONE,
                note=payload,
                cards=(Card(1, Column.TOMORROW, payload, payload, 2),),
            ),
        ),
    )
    row = _rows(board)[0]
    for column in ("moment_name", "moment_note", "text", "author"):
        assert row[column] == "'" + payload
    assert "\r" not in export_csv(
        Board(
            1, "t", Persona("p", "l"), "C", "U", moments=(Moment(1, 1, "a\rb", Touchpoint.PHONE),)
        )
    ).replace("\r\n", "")


def test_markdown_in_english() -> None:
    text = export_markdown(contract_board(), Translator("en"))
    assert text.startswith("# Negotiating a contract\n")
    assert "**Persona:** Claire — Head of purchasing" in text
    assert "## 3. First draft of the contract (Document)" in text
    assert "Client's feeling today: −1.4 (5 ratings) · 3 open irritants" in text
    assert (
        "- Anyone who hears the phone answers: 'Pierre is out, how can I help?' — 8 votes ★" in text
    )
    assert "- Written recap of decisions within the day — 3 votes\n" in text
    assert "## Client promises" in text
    assert "— within 24 hours" in text


def test_markdown_in_french_and_user_markup_shown_as_typed() -> None:
    board = Board(
        2,
        "Traiter un appel *support* | urgent",
        Persona("Sam", "# un client\npressé"),
        "C1",
        "U1",
        moments=(
            Moment(
                1,
                1,
                "Appel",
                Touchpoint.PHONE,
                feeling=Feeling.of([1, 2]),
                kept_rate=0.5,
                cards=(Card(1, Column.TOMORROW, "<@U1> [lien](http://x)", votes=1),),
            ),
        ),
        promises=(PromiseSummary("Répondre", timedelta(days=3)),),
    )
    text = export_markdown(board, Translator("fr"))
    assert text.startswith("# Traiter un appel \\*support\\* \\| urgent\n")
    assert "**Persona\u202f:** Sam — \\# un client pressé" in text
    assert "## 1. Appel (Téléphone)" in text
    assert "Ressenti du client aujourd’hui\u202f: +1,5 (2 évaluations)" in text
    assert "Aucun irritant ouvert" in text
    assert "Promesses tenues\u202f: 50\u00a0%" in text
    assert "- \\<@U1\\> \\[lien\\](http://x) — 1 vote ★" in text
    assert "- Répondre — sous 3 jours" in text
    assert "Ce que nous faisons aujourd’hui" in text
    assert "Pas encore de carte" in text
