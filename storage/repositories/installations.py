"""Queries on installations and OAuth states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from storage.models import Installation, OAuthState


@dataclass(frozen=True)
class WorkspaceKey:
    """Which tenant a row belongs to. `team_id` is "" for an org-wide install."""

    enterprise_id: str | None
    team_id: str


def _scoped(client_id: str, key: WorkspaceKey, *, org_wide: bool) -> list[ColumnElement[bool]]:
    criteria: list[ColumnElement[bool]] = [Installation.client_id == client_id]
    if key.enterprise_id is not None:
        criteria.append(Installation.enterprise_id == key.enterprise_id)
    else:
        criteria.append(Installation.enterprise_id.is_(None))
    # An org-wide install answers for every workspace of its enterprise.
    criteria.append(Installation.team_id == ("" if org_wide else key.team_id))
    return criteria


def save_installation(session: Session, installation: Installation) -> None:
    """Store the newest installation for its (workspace, installer), replacing older ones."""
    session.execute(
        delete(Installation).where(
            Installation.client_id == installation.client_id,
            Installation.team_id == installation.team_id,
            (
                Installation.enterprise_id == installation.enterprise_id
                if installation.enterprise_id is not None
                else Installation.enterprise_id.is_(None)
            ),
            Installation.user_id == installation.user_id,
        )
    )
    session.add(installation)


def find_latest(
    session: Session,
    *,
    client_id: str,
    key: WorkspaceKey,
    org_wide: bool,
    user_id: str | None = None,
) -> Installation | None:
    statement = select(Installation).where(*_scoped(client_id, key, org_wide=org_wide))
    if user_id is not None:
        statement = statement.where(Installation.user_id == user_id)
    statement = statement.order_by(Installation.installed_at.desc(), Installation.id.desc()).limit(
        1
    )
    return session.scalars(statement).first()


def find_latest_with_bot(
    session: Session, *, client_id: str, key: WorkspaceKey, org_wide: bool
) -> Installation | None:
    statement = (
        select(Installation)
        .where(*_scoped(client_id, key, org_wide=org_wide))
        .where(Installation.bot_token_encrypted.is_not(None))
        .order_by(Installation.installed_at.desc(), Installation.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def delete_bot(session: Session, *, client_id: str, key: WorkspaceKey, org_wide: bool) -> int:
    rows = session.scalars(
        select(Installation).where(*_scoped(client_id, key, org_wide=org_wide))
    ).all()
    for row in rows:
        row.bot_token_encrypted = None
        row.bot_refresh_token_encrypted = None
        row.bot_token_expires_at = None
    return len(rows)


def replace_bot_token(
    session: Session,
    *,
    client_id: str,
    key: WorkspaceKey,
    org_wide: bool,
    token_encrypted: str,
    refresh_token_encrypted: str | None,
    expires_at: datetime | None,
) -> int:
    """A refreshed bot token (Slack's token rotation) on every installation of the workspace."""
    rows = session.scalars(
        select(Installation)
        .where(*_scoped(client_id, key, org_wide=org_wide))
        .where(Installation.bot_token_encrypted.is_not(None))
        .with_for_update()
    ).all()
    for row in rows:
        row.bot_token_encrypted = token_encrypted
        row.bot_refresh_token_encrypted = refresh_token_encrypted
        row.bot_token_expires_at = expires_at
    return len(rows)


def delete_installations(
    session: Session,
    *,
    client_id: str,
    key: WorkspaceKey,
    org_wide: bool,
    user_id: str | None = None,
) -> int:
    statement = delete(Installation).where(*_scoped(client_id, key, org_wide=org_wide))
    if user_id is not None:
        statement = statement.where(Installation.user_id == user_id)
    return session.execute(statement).rowcount  # type: ignore[attr-defined, no-any-return]


def all_installations(session: Session) -> list[Installation]:
    """Every installation, for key rotation (the one cross-tenant query, by design)."""
    return list(session.scalars(select(Installation).order_by(Installation.id)))


def issue_state(session: Session, *, state: str, expires_at: datetime) -> None:
    session.add(OAuthState(state=state, expires_at=expires_at))


def consume_state(session: Session, *, state: str, now: datetime) -> bool:
    """True once for a known, unexpired state; the row is deleted either way."""
    row = session.scalars(select(OAuthState).where(OAuthState.state == state)).first()
    if row is None:
        return False
    # Delete by key with a rowcount check, so two concurrent callbacks can't both win.
    deleted = session.execute(delete(OAuthState).where(OAuthState.id == row.id)).rowcount  # type: ignore[attr-defined]
    return bool(deleted == 1 and row.expires_at > now)


def purge_expired_states(session: Session, *, now: datetime) -> int:
    return session.execute(delete(OAuthState).where(OAuthState.expires_at <= now)).rowcount  # type: ignore[attr-defined, no-any-return]
