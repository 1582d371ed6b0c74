"""INSERT … ON CONFLICT DO NOTHING on both backends: the unique constraint decides, not a read."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.base import Base


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless a unique constraint already holds one; True when inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    primary_key = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    # RETURNING, not rowcount: an ORM-enabled INSERT reports rowcount -1 on psycopg.
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(primary_key)
    return session.execute(statement).first() is not None
