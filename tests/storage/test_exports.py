"""Exports of a workspace's irritants: CSV (safe in a spreadsheet), JSON (documented), Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.core import Core
from bot.irritants import exports
from bot.irritants import rules as irritants
from bot.irritants.rules import Details
from bot.membership import everyone
from tests.storage import CHANNEL, T1, report

PERMALINK = "https://acme.slack.com/archives/C0CLIENTS/p1700000000000100"


def _export(runtime: Core, fmt: str) -> exports.Export:
    return runtime.in_transaction(
        exports.export_irritants, ws=T1, fmt=fmt, now=runtime.clock.now(), audience=everyone()
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _capture(runtime: Core, ts: str, text: str, **extra: Any) -> int:
    result = report(runtime, ts=ts, text=text, **extra)
    runtime.in_transaction(
        irritants.record_message,
        ws=T1,
        irritant_id=result.irritant_id,
        text=None,
        permalink=PERMALINK,
        posted_at=None,
        author_id="U0CLIENT",
    )
    return result.irritant_id


@pytest.fixture
def lifecycle(runtime: Core, clock: FrozenClock) -> dict[str, Any]:
    """One irritant reported by two people, acknowledged, then resolved; one left new."""
    created = clock.now()
    first = _capture(runtime, "1.0", "Délai — 3 semaines ✅", details=Details("delay", 2, None))
    clock.advance(timedelta(minutes=1))
    report(runtime, ts="1.0", user="U0BRUNO")
    clock.advance(timedelta(hours=1))
    acknowledged = clock.now()
    runtime.in_transaction(
        irritants.acknowledge, ws=T1, irritant_id=first, actor_id="U0CHLOE", now=acknowledged
    )
    clock.advance(timedelta(days=1))
    resolved = clock.now()
    runtime.in_transaction(
        irritants.resolve,
        ws=T1,
        irritant_id=first,
        actor_id="U0CHLOE",
        note="New carrier",
        now=resolved,
    )
    second = _capture(runtime, "2.0", "plain text")
    return {
        "first": first,
        "second": second,
        "created": created,
        "acknowledged": acknowledged,
        "resolved": resolved,
    }


def _iso(moment: Any) -> str:
    return str(moment.isoformat().replace("+00:00", "Z"))


def test_csv_has_a_bom_the_header_and_one_row_per_irritant(
    runtime: Core, lifecycle: dict[str, Any]
) -> None:
    export = _export(runtime, "csv")

    assert export.content.startswith(b"\xef\xbb\xbf")
    assert export.filename.endswith(".csv")
    assert T1.team_id in export.filename
    header, *rows = _csv_rows(export.content)
    assert tuple(header) == exports.CSV_COLUMNS
    assert len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert first["id"] == str(lifecycle["first"])
    assert first["channel_id"] == CHANNEL
    assert first["permalink"] == PERMALINK
    assert first["text"] == "Délai — 3 semaines ✅"
    assert first["reporters"] == "U0ANNA U0BRUNO"
    assert first["reporter_count"] == "2"
    assert (first["category"], first["severity"], first["status"]) == ("delay", "2", "resolved")
    assert first["acknowledged_at"] == _iso(lifecycle["acknowledged"])
    assert first["resolved_at"] == _iso(lifecycle["resolved"])
    assert first["resolution_note"] == "New carrier"


def test_csv_on_an_empty_workspace_is_just_the_header(runtime: Core) -> None:
    assert _csv_rows(_export(runtime, "csv").content) == [list(exports.CSV_COLUMNS)]


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"],
)
def test_csv_defuses_formula_cells(runtime: Core, text: str) -> None:
    _capture(runtime, "1.0", text, details=Details(None, None, None))

    _header, row = _csv_rows(_export(runtime, "csv").content)

    assert row[exports.CSV_COLUMNS.index("text")] == "'" + text.replace("\r", "\n")


@pytest.mark.parametrize("text", ["one\rtwo", "one\r\ntwo", "one\ntwo", 'say "hi", then go'])
def test_csv_keeps_a_multiline_cell_in_one_row(runtime: Core, text: str) -> None:
    _capture(runtime, "1.0", text)
    _capture(runtime, "2.0", "next")

    _header, *rows = _csv_rows(_export(runtime, "csv").content)

    assert len(rows) == 2
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert rows[0][exports.CSV_COLUMNS.index("text")] == expected


def test_csv_defuses_formulas_in_every_text_cell(runtime: Core) -> None:
    irritant_id = _capture(runtime, "1.0", "fine")
    runtime.in_transaction(
        irritants.resolve,
        ws=T1,
        irritant_id=irritant_id,
        actor_id="U0CHLOE",
        note="=cmd|' /C calc'!A0",
        now=runtime.clock.now(),
    )

    _header, row = _csv_rows(_export(runtime, "csv").content)

    assert row[exports.CSV_COLUMNS.index("resolution_note")] == "'=cmd|' /C calc'!A0"
    assert row[exports.CSV_COLUMNS.index("text")] == "fine"


def test_json_follows_the_documented_schema(
    runtime: Core, clock: FrozenClock, lifecycle: dict[str, Any]
) -> None:
    document = json.loads(_export(runtime, "json").content)

    assert document["schema"] == "journeybot.irritants.v2"
    assert document["team_id"] == T1.team_id
    assert document["exported_at"] == _iso(clock.now())
    first, second = document["irritants"]
    assert first["id"] == lifecycle["first"]
    assert first["reporters"] == ["U0ANNA", "U0BRUNO"]
    assert first["reporter_count"] == 2
    assert first["text"] == "Délai — 3 semaines ✅"
    assert first["permalink"] == PERMALINK
    assert first["author_id"] == "U0CLIENT"
    assert first["status"] == "resolved"
    assert first["created_at"] == _iso(lifecycle["created"])
    assert first["acknowledged_at"] == _iso(lifecycle["acknowledged"])
    assert first["resolved_at"] == _iso(lifecycle["resolved"])
    assert first["status_changed_at"] == _iso(lifecycle["resolved"])
    assert first["withdrawn_at"] is None
    assert [(change["kind"], change["by"]) for change in first["history"]] == [
        ("reported", "U0ANNA"),
        ("reported", "U0BRUNO"),
        ("acknowledged", "U0CHLOE"),
        ("resolved", "U0CHLOE"),
    ]
    assert first["history"][-1]["note"] == "New carrier"
    assert [change["at"] for change in first["history"]] == sorted(
        change["at"] for change in first["history"]
    )
    assert (second["status"], second["reporters"], second["acknowledged_at"]) == (
        "new",
        ["U0ANNA"],
        None,
    )
    documented = {
        "id", "channel_id", "message_ts", "permalink", "text", "text_status", "author_id",
        "reporters", "reporter_count", "category", "severity", "notes", "status",
        "resolution_note", "created_at", "status_changed_at", "acknowledged_at",
        "resolved_at", "withdrawn_at", "history",
    }  # fmt: skip
    assert set(first) == documented


def test_json_shows_withdrawal_and_reopening(runtime: Core, clock: FrozenClock) -> None:
    result = report(runtime)
    clock.advance(timedelta(minutes=1))
    withdrawn = clock.now()
    runtime.in_transaction(
        irritants.unreport,
        ws=T1,
        channel_id=CHANNEL,
        message_ts="1700000000.000100",
        reporter_id="U0ANNA",
        via="irritant",
        now=withdrawn,
    )
    clock.advance(timedelta(minutes=1))
    report(runtime, user="U0BRUNO")

    (record,) = json.loads(_export(runtime, "json").content)["irritants"]

    assert record["id"] == result.irritant_id
    assert record["status"] == "new"
    assert record["withdrawn_at"] == _iso(withdrawn)
    assert record["status_changed_at"] == _iso(clock.now())
    assert [change["kind"] for change in record["history"]] == [
        "reported",
        "unreported",
        "withdrawn",
        "reopened",
        "reported",
    ]


def test_markdown_escapes_pipes_and_keeps_one_line_per_irritant(runtime: Core) -> None:
    _capture(runtime, "1.0", "a | b\nc", details=Details("billing", 3, None))
    _capture(runtime, "2.0", "x" * 300)

    lines = _export(runtime, "md").content.decode("utf-8").splitlines()

    assert len(lines) == 4
    assert "a \\| b c" in lines[2]
    # Every row has the header's columns: no unescaped pipe split a cell.
    unescaped = [line.replace("\\|", "").count("|") for line in lines]
    assert unescaped == [7, 7, 7, 7]


def test_markdown_escapes_pipes_in_categories(runtime: Core) -> None:
    _capture(runtime, "1.0", "text", details=Details("pay|ment", None, None))

    lines = _export(runtime, "md").content.decode("utf-8").splitlines()

    assert lines[2].replace("\\|", "").count("|") == 7


def test_unknown_format_is_refused(runtime: Core) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        _export(runtime, "xlsx")
