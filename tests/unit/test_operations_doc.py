"""docs/operations.md lists every metric journeybot exposes and every setting it adds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from bot.metrics import REGISTRY, app_registry
from bot.wiring.health import DatabaseCollector

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_every_journeybot_metric_is_documented(engine: Engine) -> None:
    registry = app_registry(DatabaseCollector(engine, lambda: datetime.now(UTC)))
    exposed = {
        family.name
        for family in text_string_to_metric_families(generate_latest(registry).decode())
        if family.name.startswith("journeybot_")
    }
    assert "journeybot_outbox_depth" in exposed
    doc = DOC.read_text(encoding="utf-8")
    # Counters are exposed as <name>_total; the doc names them that way.
    undocumented = sorted(
        name for name in exposed if f"`{name}`" not in doc and f"`{name}_total`" not in doc
    )
    assert not undocumented, f"metrics missing from docs/operations.md: {undocumented}"


def test_two_app_registries_in_one_process_share_the_counters(engine: Engine) -> None:
    first = app_registry(DatabaseCollector(engine, lambda: datetime.now(UTC)))
    second = app_registry(DatabaseCollector(engine, lambda: datetime.now(UTC)))
    assert b"journeybot_requests" in generate_latest(first)
    assert b"journeybot_requests" in generate_latest(second)
    assert REGISTRY is not first
