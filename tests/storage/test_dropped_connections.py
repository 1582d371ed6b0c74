"""Use cases run on connections the database dropped while they sat in the pool (PostgreSQL).

There is no ping before each checkout (a round trip per transaction on the hot path): a
transaction that meets a dropped connection fails before anything is committed, and `Core`
runs it again once on a fresh connection (SQLAlchemy renews the pool on a disconnect).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bot.core import Core
from storage.models import Irritant
from storage.repositories import irritants as repo


def _terminate_backends(database_url: str) -> int:
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                    "FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            return int(killed)
    finally:
        admin.dispose()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Irritant)) or 0


def _store(session: Session, ts: str, now: datetime) -> None:
    repo.ensure_for_messages(
        session,
        team_id="T0DROP",
        enterprise_id=None,
        messages=[("C1", ts, None)],
        now=now,
    )


def test_reads_and_writes_succeed_after_the_server_dropped_every_connection(
    runtime: Core, db: Engine, database_url: str
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("terminating backends is a PostgreSQL server function")

    async def fill_the_pool() -> None:  # several idle connections, as under load
        await asyncio.gather(*(runtime.read(_count) for _ in range(4)))

    asyncio.run(fill_the_pool())
    assert _terminate_backends(database_url) > 0
    assert asyncio.run(runtime.read(_count)) == 0

    _terminate_backends(database_url)
    runtime.in_transaction(_store, "1700000000.000100", runtime.clock.now())
    assert asyncio.run(runtime.read(_count)) == 1
    # The fixtures' own cleanup goes straight to the engine, without Core's retry: it gets
    # a pool with no connection of before the kill.
    db.dispose()
