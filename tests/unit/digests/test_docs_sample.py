"""docs/digests.md shows the digest of the fixture week exactly as the bot renders it today."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.digests.sample import rendered_text

DOC = Path(__file__).resolve().parents[3] / "docs" / "digests.md"


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_documented_digest_is_the_rendered_fixture_week(locale: str) -> None:
    assert f"```\n{rendered_text(locale)}\n```" in DOC.read_text(encoding="utf-8")


def test_the_fixture_week_says_what_was_computed_by_hand() -> None:
    text = rendered_text("en")
    assert "Promise kept: 60% (↓ from 67%) · 3 of 5 requests due this week" in text
    assert "Time to acknowledge: median 1 h, 9 in 10 within 5 h" in text
    assert "• #2 Renewing a contract: Voting (until Dec 2)" in text
