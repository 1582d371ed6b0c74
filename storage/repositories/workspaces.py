"""Per-workspace settings, and deleting everything a workspace owns."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.base import Base
from storage.models import WorkspaceSettings


def get_settings(session: Session, *, team_id: str) -> WorkspaceSettings | None:
    statement = select(WorkspaceSettings).where(WorkspaceSettings.team_id == team_id)
    return session.scalars(statement).first()


def save_settings(session: Session, row: WorkspaceSettings) -> None:
    existing = get_settings(session, team_id=row.team_id)
    if existing is None:
        session.add(row)
        return
    existing.irritant_emojis = row.irritant_emojis
    existing.categories = row.categories
    existing.retention_days = row.retention_days
    existing.resolved_mark = row.resolved_mark
    existing.updated_at = row.updated_at
    existing.updated_by = row.updated_by


def purge_workspace(
    session: Session,
    *,
    team_id: str,
    tables: Iterable[type[Base]],
    keep_installations: bool = False,
) -> dict[str, int]:
    """Delete the workspace's rows in `tables` (children first); returns counts per table."""
    counts: dict[str, int] = {}
    for model in tables:
        if keep_installations and model.__tablename__ == "installations":
            continue
        column = model.__table__.c.team_id
        result = session.execute(delete(model).where(column == team_id))
        counts[model.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    return counts
