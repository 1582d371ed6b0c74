"""The member profiles the at-work rule reads (Slack's `tz`), cached per workspace."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import MemberProfile
from storage.repositories.upsert import insert_ignore


def remember_timezone(
    session: Session, *, team_id: str, user_id: str, timezone: str | None, now: datetime
) -> None:
    """Store (or refresh) a member's Slack time zone; None when Slack has none for them."""
    inserted = insert_ignore(
        session,
        MemberProfile,
        {"team_id": team_id, "user_id": user_id, "timezone": timezone, "updated_at": now},
    )
    if inserted:
        return
    row = session.scalars(
        select(MemberProfile).where(
            MemberProfile.team_id == team_id, MemberProfile.user_id == user_id
        )
    ).one()
    row.timezone = timezone
    row.updated_at = now


def timezones(session: Session, *, team_id: str, user_ids: Iterable[str]) -> dict[str, str | None]:
    """The cached time zones of these members; members never seen are absent."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    statement = select(MemberProfile.user_id, MemberProfile.timezone).where(
        MemberProfile.team_id == team_id, MemberProfile.user_id.in_(wanted)
    )
    return {user_id: timezone for user_id, timezone in session.execute(statement)}
