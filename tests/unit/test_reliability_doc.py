"""docs/reliability.md stays true: every test it names exists, and it covers all 24 rows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"
NODE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
ROW = re.compile(r"^\| (\d+) \|", re.MULTILINE)


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def missing_nodes(text: str) -> list[str]:
    missing = []
    for file, name in NODE.findall(text):
        path = REPO / file
        if not path.is_file() or name not in _functions(path):
            missing.append(f"{file}::{name}")
    return missing


def test_every_test_the_doc_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert len(NODE.findall(text)) > 50
    assert missing_nodes(text) == []


def test_the_doc_has_each_of_the_24_rows_once() -> None:
    rows = [int(number) for number in ROW.findall(DOC.read_text(encoding="utf-8"))]
    assert rows == list(range(1, 25))


def test_each_row_names_a_test_or_says_what_is_open() -> None:
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if ROW.match(line):
            assert NODE.search(line) or "open: issue" in line, line


def test_a_renamed_or_missing_test_is_reported() -> None:
    text = (
        "`tests/unit/test_reliability_doc.py::test_every_test_the_doc_names_exists` "
        "`tests/unit/test_reliability_doc.py::test_that_was_renamed` "
        "`tests/unit/no_such_file.py::test_x`"
    )
    assert missing_nodes(text) == [
        "tests/unit/test_reliability_doc.py::test_that_was_renamed",
        "tests/unit/no_such_file.py::test_x",
    ]
