"""A channel's language and time zone, saved from two transactions at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage.db import make_session_factory
from storage.models import LocaleSetting
from storage.repositories.channels import save_locale_setting

TEAM, CHANNEL = "T0ACME", "C0CLIENTS"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def save(session: Session, locale: str, actor: str) -> None:
    save_locale_setting(
        session,
        team_id=TEAM,
        enterprise_id=None,
        channel_id=CHANNEL,
        locale=locale,
        time_zone="Europe/Paris",
        actor_id=actor,
        now=NOW,
    )


def test_two_first_saves_of_one_channel_at_once_both_succeed(db: Engine) -> None:
    """Two replicas saving a channel's first setting at once: on PostgreSQL the second insert
    waits for the first's commit, and used to fail on the unique constraint then (found by
    bench/soak.py); the later save's values are kept, in one row."""
    sessions = make_session_factory(db)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with sessions.begin() as session:
                save(session, "fr", "U0BRUNO")
        except BaseException as error:
            failures.append(error)

    with sessions.begin() as session:
        save(session, "en", "U0ANNA")
        runner = threading.Thread(target=second)
        runner.start()
        runner.join(timeout=1.0)  # waiting on the first's row (PostgreSQL) or write lock
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert failures == []
    with sessions() as session:
        rows = session.scalars(select(LocaleSetting)).all()
        assert [(row.channel_id, row.locale, row.updated_by) for row in rows] == [
            (CHANNEL, "fr", "U0BRUNO")
        ]


def test_a_saved_setting_is_changed_in_place(db: Engine) -> None:
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        save(session, "en", "U0ANNA")
    with sessions.begin() as session:
        save(session, "fr", "U0BRUNO")
    with sessions() as session:
        rows = session.scalars(select(LocaleSetting)).all()
        assert [(row.locale, row.updated_by) for row in rows] == [("fr", "U0BRUNO")]
