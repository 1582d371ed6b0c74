"""Channel members and channel locales: every query takes `team_id`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import ChannelMember, ChannelSync, LocaleSetting
from storage.repositories.upsert import insert_ignore, insert_many_ignore


def synced_at(session: Session, *, team_id: str, channel_ids: Iterable[str]) -> dict[str, datetime]:
    wanted = list(set(channel_ids))
    if not wanted:
        return {}
    statement = select(ChannelSync.channel_id, ChannelSync.synced_at).where(
        ChannelSync.team_id == team_id, ChannelSync.channel_id.in_(wanted)
    )
    return {channel_id: at for channel_id, at in session.execute(statement)}


def replace_members(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel_id: str,
    user_ids: Iterable[str],
    now: datetime,
) -> None:
    """The channel's whole member list, as Slack gave it just now."""
    session.execute(
        delete(ChannelMember).where(
            ChannelMember.team_id == team_id, ChannelMember.channel_id == channel_id
        )
    )
    rows = [
        {"team_id": team_id, "channel_id": channel_id, "user_id": user_id}
        for user_id in dict.fromkeys(user_ids)
    ]
    insert_many_ignore(session, ChannelMember, rows, ["id"])
    sync = session.scalars(
        select(ChannelSync).where(
            ChannelSync.team_id == team_id, ChannelSync.channel_id == channel_id
        )
    ).first()
    if sync is None:
        session.add(
            ChannelSync(
                team_id=team_id, enterprise_id=enterprise_id, channel_id=channel_id, synced_at=now
            )
        )
    else:
        sync.synced_at = now


def add_member(session: Session, *, team_id: str, channel_id: str, user_id: str) -> None:
    insert_ignore(
        session, ChannelMember, {"team_id": team_id, "channel_id": channel_id, "user_id": user_id}
    )


def remove_member(session: Session, *, team_id: str, channel_id: str, user_id: str) -> None:
    session.execute(
        delete(ChannelMember).where(
            ChannelMember.team_id == team_id,
            ChannelMember.channel_id == channel_id,
            ChannelMember.user_id == user_id,
        )
    )


def channels_of(session: Session, *, team_id: str, user_id: str) -> set[str]:
    statement = select(ChannelMember.channel_id).where(
        ChannelMember.team_id == team_id, ChannelMember.user_id == user_id
    )
    return set(session.scalars(statement))


def locale_settings(
    session: Session, *, team_id: str, channel_ids: Iterable[str]
) -> dict[str, LocaleSetting]:
    """The rows of these channels ("" is the workspace's), keyed by channel_id."""
    wanted = list(set(channel_ids))
    statement = select(LocaleSetting).where(
        LocaleSetting.team_id == team_id, LocaleSetting.channel_id.in_(wanted)
    )
    return {row.channel_id: row for row in session.scalars(statement)}


def save_locale_setting(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel_id: str,
    locale: str,
    time_zone: str,
    actor_id: str,
    now: datetime,
) -> None:
    # The unique constraint decides, not a read: two first saves of one channel at once (two
    # replicas, two people) both succeed, the later one's values kept.
    chosen = {"locale": locale, "time_zone": time_zone, "updated_at": now, "updated_by": actor_id}
    row = {"team_id": team_id, "enterprise_id": enterprise_id, "channel_id": channel_id}
    if insert_ignore(session, LocaleSetting, {**row, **chosen}):
        return
    session.execute(
        update(LocaleSetting)
        .where(LocaleSetting.team_id == team_id, LocaleSetting.channel_id == channel_id)
        .values(**chosen)
    )
