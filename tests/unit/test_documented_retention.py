"""RELIABILITY.md row 7: what the docs promise about retention is what the code does. The
number of days, its bounds and how often the purge runs are read from the docs and compared
with the defaults the code configures."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.irritants.config import DEFAULT_RETENTION_DAYS, RETENTION_RANGE, IrritantConfig
from bot.irritants.feature import FEATURE as IRRITANTS
from bot.watcher.feature import FEATURE as WATCHER

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _irritants_doc() -> str:
    return (DOCS / "irritants.md").read_text(encoding="utf-8")


def test_the_documented_default_retention_is_the_configured_default() -> None:
    found = re.search(
        r"kept `retention_days` \(default \*\*(\d+)\*\*, per workspace, (\d+)–(\d+)\)",
        _irritants_doc(),
    )
    assert found is not None, "docs/irritants.md no longer states the retention default"
    days, lowest, highest = (int(group) for group in found.groups())
    assert days == DEFAULT_RETENTION_DAYS == IrritantConfig().retention_days
    assert (lowest, highest) == RETENTION_RANGE
    # The watcher keeps request text under the same setting, and says the same default.
    watcher = (DOCS / "watcher.md").read_text(encoding="utf-8")
    assert f"{DEFAULT_RETENTION_DAYS} days by default" in watcher


def test_the_documented_purge_interval_is_the_jobs_interval() -> None:
    found = re.search(r"then removed by a job every (\d+) hours", _irritants_doc())
    assert found is not None, "docs/irritants.md no longer states how often text is removed"
    every = timedelta(hours=int(found.group(1)))
    intervals = {
        job.id: job.every
        for feature in (IRRITANTS, WATCHER)
        for job in feature.jobs
        if "retention" in job.id
    }
    assert intervals == {"irritant-retention": every, "request-retention": every}
