"""Who may read what: a person sees what comes from a channel only if they are in it.

An irritant quotes a message, a request is a message, a board quotes both: lists, exports,
the App Home and boards show a person only what comes from channels they are a member of, so
nobody reads a private channel's text (or a Slack Connect channel's) through the bot that
Slack itself wouldn't show them. Workspace admins and owners see everything.

Membership is cached: `conversations.members` fills a channel's list when it is first needed
and again once it is older than `REFRESH_AFTER`; `member_joined_channel`/`member_left_channel`
events keep it current in between. The Slack calls are the handlers' (handlers/audience.py);
this module only decides and stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from bot.tenancy import Workspace
from storage.repositories import channels as repo

# A missed member event is corrected within this time; conversations.members is cheap
# (Tier 4) and only channels that hold something the bot shows are read.
REFRESH_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Audience:
    """One reader: which channels' content they may see."""

    user_id: str
    sees_all: bool  # workspace admins and owners
    channels: frozenset[str] = frozenset()

    def can_see(self, channel_id: str) -> bool:
        return self.sees_all or channel_id in self.channels

    @property
    def only_channels(self) -> frozenset[str] | None:
        """The filter a query applies: None when the reader sees every channel."""
        return None if self.sees_all else self.channels


def everyone() -> Audience:
    """For what the bot itself reads (senders, jobs), never for a person's list."""
    return Audience(user_id="", sees_all=True)


def channels_to_refresh(
    session: Session, *, ws: Workspace, channel_ids: Iterable[str], now: datetime
) -> list[str]:
    """Those of `channel_ids` whose member list was never read, or not for a while."""
    wanted = sorted(set(channel_ids))
    synced = repo.synced_at(session, team_id=ws.team_id, channel_ids=wanted)
    return [
        channel_id
        for channel_id in wanted
        if channel_id not in synced or now - synced[channel_id] >= REFRESH_AFTER
    ]


def record_members(
    session: Session, *, ws: Workspace, channel_id: str, user_ids: list[str], now: datetime
) -> None:
    """A channel's whole member list as Slack gave it (empty: nobody the bot can vouch for)."""
    repo.replace_members(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        channel_id=channel_id,
        user_ids=user_ids,
        now=now,
    )


def member_joined(session: Session, *, ws: Workspace, channel_id: str, user_id: str) -> None:
    repo.add_member(session, team_id=ws.team_id, channel_id=channel_id, user_id=user_id)


def member_left(session: Session, *, ws: Workspace, channel_id: str, user_id: str) -> None:
    repo.remove_member(session, team_id=ws.team_id, channel_id=channel_id, user_id=user_id)


def audience(session: Session, *, ws: Workspace, user_id: str, is_admin: bool) -> Audience:
    if is_admin:
        return Audience(user_id=user_id, sees_all=True)
    channels = repo.channels_of(session, team_id=ws.team_id, user_id=user_id)
    return Audience(user_id=user_id, sees_all=False, channels=frozenset(channels))


class BotPresenceSubscriber(Protocol):
    """A feature told that the bot left (`present=False`) or joined a channel.

    `reason` is what said so: the event (`channel_left`, `group_left`, `member_left_channel`,
    `member_joined_channel`) or Slack's error on a post (`not_in_channel`, `is_archived`…).
    Runs in the caller's transaction; Slack may say it twice, so it must be idempotent.
    """

    def __call__(
        self,
        session: Session,
        *,
        ws: Workspace,
        channel_id: str,
        present: bool,
        reason: str,
        now: datetime,
    ) -> None: ...


def bot_presence(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    present: bool,
    reason: str,
    subscribers: Sequence[BotPresenceSubscriber],
    now: datetime,
) -> None:
    """The bot left or joined a channel: every subscribed feature hears it, in one transaction."""
    for subscriber in subscribers:
        subscriber(session, ws=ws, channel_id=channel_id, present=present, reason=reason, now=now)
