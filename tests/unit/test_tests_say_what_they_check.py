"""Tests that say what they check: every `pytest.raises` in tests/ names the error it expects
with `match=`, so a test cannot pass on some other failure of the same type."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _raises_without_match(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "raises"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "pytest"
        and not any(keyword.arg == "match" for keyword in node.keywords)
    ]


def test_every_pytest_raises_names_its_error_with_match() -> None:
    found = {
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        for line in _raises_without_match(path)
    }
    assert found == set()


def test_the_check_sees_a_raises_without_match(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "def test_x():\n"
        "    with pytest.raises(ValueError):\n"
        "        int('x')\n"
        "    with pytest.raises(ValueError, match='invalid literal'):\n"
        "        int('y')\n"
    )
    assert _raises_without_match(sample) == [3]
