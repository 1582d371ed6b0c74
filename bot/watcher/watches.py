"""The watch a request is measured against, read from the promises' storage.

The one place the watcher reads promises: everything else takes a `Watch`. A request is
measured against the version of the channel's response-time promise in force when it
arrived, and keeps pointing at that version (`by_version`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.promises.usecases import setup_of
from bot.watcher.rules import DEFAULT_ACK_REACTIONS, WatchTerms
from storage.enums import WatchTeam
from storage.models import Promise, PromiseVersion
from storage.repositories import members
from storage.repositories import promises as repo


@dataclass(frozen=True)
class Watch:
    promise_id: int
    version_id: int
    channel_id: str
    owner: str  # who made this version: escalations DM them
    text: str  # the promise as the team wrote it
    terms: WatchTerms
    # Named team members with their cached Slack time zones; empty when the team is the
    # channel's members or a user group (the alert's sender asks Slack who they are).
    members: tuple[tuple[str, str | None], ...]
    team_kind: str
    team_group_id: str | None
    alert_channel_id: str | None  # None: alerts go in the request's thread
    paused: bool = False  # the bot is out of a channel the watch needs (bot/watcher/pause.py)


def _named_team(version: PromiseVersion) -> frozenset[str]:
    setup = setup_of(version)
    named = setup.team.kind == WatchTeam.named_users
    return frozenset(setup.team.user_ids) if named else frozenset()


def _watch(
    session: Session,
    team_id: str,
    promise: Promise,
    version: PromiseVersion,
    zones: dict[str, str | None] | None = None,
) -> Watch:
    """`zones`: the named members' cached time zones, when the caller read them already."""
    setup = setup_of(version)
    named = setup.team.kind == WatchTeam.named_users
    team = frozenset(setup.team.user_ids) if named else frozenset()
    if zones is None:
        zones = members.timezones(session, team_id=team_id, user_ids=team) if team else {}
    return Watch(
        promise_id=promise.id,
        version_id=version.id,
        channel_id=promise.channel_id,
        owner=version.made_by,
        text=version.text,
        terms=WatchTerms(
            team=team,
            window=setup.window,
            hours=setup.hours,
            nudge_fraction=setup.nudge_fraction,
            ack_reactions=frozenset(setup.ack_reactions) or DEFAULT_ACK_REACTIONS,
            home_team=None if named else team_id,
        ),
        members=tuple((user_id, zones.get(user_id)) for user_id in sorted(team)),
        team_kind=setup.team.kind.value,
        team_group_id=setup.team.group_id,
        alert_channel_id=setup.alert_channel_id,
        paused=promise.paused_at is not None,
    )


def in_force(session: Session, *, team_id: str, channel_id: str, at: datetime) -> Watch | None:
    """The channel's watch as it stood at `at`, or None when the channel is not watched."""
    found = repo.version_in_force(session, team_id=team_id, channel_id=channel_id, at=at)
    if found is None or (found.promise.ended_at is not None and found.promise.ended_at <= at):
        return None
    return _watch(session, team_id, found.promise, found.version)


def by_version(session: Session, *, team_id: str, version_id: int) -> Watch | None:
    """The watch as one version of its promise stated it (kept after the promise ends)."""
    version = session.get(PromiseVersion, version_id)
    if version is None or version.team_id != team_id:
        return None
    promise = session.get(Promise, version.promise_id)
    if promise is None or promise.team_id != team_id:
        return None
    return _watch(session, team_id, promise, version)


def by_versions(
    session: Session, wanted: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Watch | None]:
    """`by_version` for many (team_id, version_id) at once: three queries per workspace
    instead of three per version (the due-work scan reads a batch of requests at a time)."""
    found: dict[tuple[str, int], Watch | None] = {key: None for key in wanted}
    teams: dict[str, set[int]] = {}
    for team_id, version_id in found:
        teams.setdefault(team_id, set()).add(version_id)
    for team_id, version_ids in teams.items():
        versions = repo.versions_by_id(session, team_id=team_id, version_ids=version_ids)
        promises = repo.promises_by_id(
            session, team_id=team_id, promise_ids={v.promise_id for v in versions}
        )
        named = {v.id: _named_team(v) for v in versions}
        zones = members.timezones(
            session, team_id=team_id, user_ids=sorted(set().union(*named.values()))
        )
        for version in versions:
            promise = promises.get(version.promise_id)
            if promise is None:
                continue
            own = {user_id: zones.get(user_id) for user_id in named[version.id] if user_id in zones}
            found[(team_id, version.id)] = _watch(session, team_id, promise, version, own)
    return found
