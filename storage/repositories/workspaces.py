"""Per-workspace settings, and deleting everything a workspace owns."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import TENANT_TABLES, WorkspaceSettings


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
    session: Session, *, team_id: str, keep_installations: bool = False
) -> dict[str, int]:
    """Delete every row the workspace owns, child tables first; returns counts per table."""
    counts: dict[str, int] = {}
    for model in TENANT_TABLES:
        if keep_installations and model.__tablename__ == "installations":
            continue
        result = session.execute(delete(model).where(model.team_id == team_id))
        counts[model.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    return counts
