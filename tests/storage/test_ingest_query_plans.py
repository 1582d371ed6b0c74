"""The ingest's and the relay's reads probe selective indexes, not the workspace index.

Without statistics SQLite preferred the single-column `team_id` index to a unique index
probed with IN lists: each ingest batch then read every irritant and every vote of the
workspace, a cost that grew with the tables (the reaction bench's rounds got slower one
after the other). This pins the plans SQLite chooses for those reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from storage.repositories import irritants as repo
from storage.repositories import promises


def _plans(db: Engine, read: Any) -> list[str]:
    executed: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        executed.append((statement, parameters))

    with Session(db) as session:
        event.listen(db, "before_cursor_execute", record)
        try:
            read(session)
        finally:
            event.remove(db, "before_cursor_execute", record)
        connection = session.connection()
        return [
            " | ".join(
                str(row[3])
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            )
            for statement, params in executed
            if statement.lstrip().upper().startswith("SELECT")
        ]


READS = {
    "irritants of a batch's messages": lambda s: repo.by_messages(
        s, team_id="T1", messages=[("C1", "1.1"), ("C1", "1.2"), ("C2", "1.3")], lock=True
    ),
    "reporters among a batch's users": lambda s: repo.voters_among(
        s, team_id="T1", irritant_ids=[1, 2, 3], user_ids=["U1", "U2"]
    ),
    "reporter counts of a relay group": lambda s: repo.reporter_counts(
        s, team_id="T1", irritant_ids=[1, 2, 3]
    ),
    "the watch in force in a channel": lambda s: promises.version_in_force(
        s, team_id="T1", channel_id="C1", at=datetime(2026, 12, 2, tzinfo=UTC)
    ),
    "has voted": lambda s: repo.has_voted(s, team_id="T1", irritant_id=1, user_id="U1"),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_hot_reads_probe_a_unique_index(db: Engine, name: str) -> None:
    if db.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics; the fix is for SQLite's guesses")
    plans = _plans(db, READS[name])
    assert plans, "the read ran no SELECT"
    for plan in plans:
        assert "SCAN" not in plan.replace("CONSTANT ROW", ""), plan
        assert "_team_id (" not in plan, plan  # the single-column workspace index
