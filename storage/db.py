"""Engine and session factory; the migration state check used at start-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for our two backends.

    SQLite: WAL, a busy timeout so concurrent writers wait instead of failing, foreign keys
    on, and every transaction opened with BEGIN IMMEDIATE. Without that, a transaction that
    reads first and writes later cannot upgrade its lock once another writer has committed
    and fails at once with "database is locked" (the busy timeout does not apply to that
    case). PostgreSQL: a ping before every checkout, so a restarted server costs a reconnect,
    not a failed request, on every path (the OAuth store, the probes and the due-work reader
    use the engine directly); a transaction that still meets a connection the server dropped
    is run again on a fresh one (`dropped_connection`, used by `Core` and the event ingest).
    Both:
    `hide_parameters`, so a database error's message (which reaches the logs) names the
    statement but never its bound values: message text, notes, user ids.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a
                # committed transaction survives the process being killed (what a 200 to
                # Slack promises, and what the SIGKILL tests prove); a power cut may lose the
                # last commits. Never OFF, which could corrupt the file.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # Let SQLAlchemy's "begin" event below decide how transactions start.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # A transaction that only reads needs no write lock (WAL readers never block the
            # writer): `read_only_engine` marks its connections so they begin deferred.
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **kwargs)


def dropped_connection(error: BaseException) -> bool:
    """The database closed the connection under us (restart, failover, terminated backend).

    SQLAlchemy has then invalidated that connection and renewed the pool: a transaction
    that failed before its COMMIT can run again at once on a fresh connection.
    """
    return isinstance(error, DBAPIError) and error.connection_invalidated


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


READ_ONLY = "journeybot_read_only"


def read_only_engine(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that only read (see `_begin_immediate`)."""
    return engine.execution_options(**{READ_ONLY: True})
