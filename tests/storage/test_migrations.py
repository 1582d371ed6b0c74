"""Migrations: a database populated at 0002 upgrades with every value converted, and the
schema at head is exactly what the models declare."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base
from tests.db import scratch_database

T = "T0MIGRATE"
NOW = "2026-11-30 10:00:00+00:00"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def _populate_at_0002(engine: Engine) -> None:
    upgrade(engine, "0002")
    with engine.begin() as connection:
        for number, (status, text_status) in enumerate(
            [
                ("new", "pending"),
                ("acknowledged", "complete"),
                ("resolved", "unavailable"),
                ("withdrawn", "redacted"),
            ],
            start=1,
        ):
            connection.execute(
                text(
                    "INSERT INTO irritants (id, team_id, channel_id, message_ts, text_status, "
                    "status, status_changed_at, last_reported_at, created_at) VALUES "
                    "(:id, :team, 'C1', :ts, :text_status, :status, :now, :now, :now)"
                ),
                {
                    "id": number,
                    "team": T,
                    "ts": f"{number}.0001",
                    "text_status": text_status,
                    "status": status,
                    "now": NOW,
                },
            )
        for number, kind in enumerate(
            ["reported", "unreported", "details", "redacted", "reopened", "resolved"], start=1
        ):
            connection.execute(
                text(
                    "INSERT INTO irritant_events (id, team_id, irritant_id, kind, at) "
                    "VALUES (:id, :team, 1, :kind, :now)"
                ),
                {"id": number, "team": T, "kind": kind, "now": NOW},
            )
        connection.execute(
            text(
                "INSERT INTO workspace_settings (id, team_id, irritant_emojis, categories, "
                "retention_days, resolved_mark, updated_at) VALUES "
                "(1, :team, 'irritant,rage,sob', 'delay,late delivery,billing', 90, 'both', :now)"
            ),
            {"team": T, "now": NOW},
        )


def test_a_database_populated_at_0002_upgrades_with_every_value_converted(
    fresh: Engine,
) -> None:
    _populate_at_0002(fresh)

    upgrade(fresh)

    from sqlalchemy.orm import Session

    from storage.enums import IrritantEventKind, IrritantStatus, ResolvedMark, TextStatus
    from storage.models import Irritant, IrritantEvent, WorkspaceSettings

    with Session(fresh) as session:
        irritants = {row.id: row for row in session.query(Irritant).all()}
        assert [(irritants[i].status, irritants[i].text_status) for i in (1, 2, 3, 4)] == [
            (IrritantStatus.new, TextStatus.pending),
            (IrritantStatus.acknowledged, TextStatus.complete),
            (IrritantStatus.resolved, TextStatus.unavailable),
            (IrritantStatus.withdrawn, TextStatus.redacted),
        ]
        kinds = [event.kind for event in session.query(IrritantEvent).order_by(IrritantEvent.id)]
        assert kinds == [
            IrritantEventKind.reported,
            IrritantEventKind.unreported,
            IrritantEventKind.details,
            IrritantEventKind.redacted,
            IrritantEventKind.reopened,
            IrritantEventKind.resolved,
        ]
        settings = session.query(WorkspaceSettings).one()
        assert settings.irritant_emojis == ["irritant", "rage", "sob"]
        assert settings.categories == ["delay", "late delivery", "billing"]
        assert settings.resolved_mark == ResolvedMark.both
        assert settings.retention_days == 90


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("irritants", "status"),
        ("irritants", "text_status"),
        ("irritant_events", "kind"),
        ("workspace_settings", "resolved_mark"),
    ],
)
def test_a_status_outside_its_set_is_refused_by_the_database(
    fresh: Engine, table: str, column: str
) -> None:
    _populate_at_0002(fresh)
    upgrade(fresh)

    with pytest.raises(IntegrityError, match=r"(?i)check"), fresh.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))


def test_the_schema_at_head_is_what_the_models_declare(fresh: Engine) -> None:
    upgrade(fresh)

    with fresh.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "render_as_batch": True}
        )
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_an_irritant_s_single_note_becomes_its_author_s_own_note(fresh: Engine) -> None:
    _populate_at_0002(fresh)
    upgrade(fresh, "0003")
    with fresh.begin() as connection:
        connection.execute(text("UPDATE irritants SET note = 'late again' WHERE id = 1"))
        connection.execute(text("UPDATE irritant_events SET actor_id = 'U0ANNA' WHERE id = 3"))
        connection.execute(
            text(
                "INSERT INTO irritant_votes (id, team_id, irritant_id, user_id, via, created_at) "
                "VALUES (1, :team, 2, 'U0BRUNO', 'rage', :now)"
            ),
            {"team": T, "now": NOW},
        )
        connection.execute(text("UPDATE irritants SET note = 'no reply' WHERE id = 2"))

    upgrade(fresh)

    with fresh.connect() as connection:
        rows = connection.execute(
            text("SELECT irritant_id, user_id, note FROM irritant_notes ORDER BY irritant_id")
        ).all()
    # The person who last saved details wrote it; without one, the first reporter did.
    assert [tuple(row) for row in rows] == [(1, "U0ANNA", "late again"), (2, "U0BRUNO", "no reply")]
