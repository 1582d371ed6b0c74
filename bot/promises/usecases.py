"""What the promise listeners ask for: one function per request, plain values in and out.

Each takes the session first and returns dataclasses, never ORM rows. Refusals are
`bot.promises.rules.FieldError` (for the form) or `DomainError` (for a command).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import DomainError
from bot.i18n import N_
from bot.pagination import Page, clamp_page
from bot.promises.rules import Team, WatchSetup
from bot.tenancy import Workspace
from bot.windows import BusinessHours
from storage.enums import AlertPlace, PromiseKind, WatchTeam
from storage.models import Promise, PromiseVersion
from storage.repositories import members as members_repo
from storage.repositories import promises as repo
from storage.repositories.promises import PromiseAt, Terms

RACE = N_("Someone set a watch on this channel at the same moment. Look at it and try again.")


@dataclass(frozen=True)
class WatchCard:
    """A channel's watch as people see it: its current version, who made it, since when."""

    promise_id: int
    channel_id: str
    version: int
    text: str
    setup: WatchSetup
    created_by: str
    made_by: str
    since: datetime
    exercise_id: int | None


@dataclass(frozen=True)
class PromiseCard:
    """What `/journey promises` shows of one promise (its current version)."""

    promise_id: int
    kind: str
    text: str
    version: int
    created_by: str
    made_by: str
    since: datetime
    exercise_id: int | None
    window: timedelta | None


@dataclass(frozen=True)
class SetWatchResult:
    card: WatchCard
    created: bool  # False: the channel was already watched
    changed: bool = True  # False: the same terms again, so no new version was made


def watch_status(session: Session, *, ws: Workspace, channel_id: str) -> WatchCard | None:
    found = repo.active_watch(session, team_id=ws.team_id, channel_id=channel_id)
    return None if found is None else _card(found)


def set_watch(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    setup: WatchSetup,
    actor_id: str,
    now: datetime,
) -> SetWatchResult:
    """Watch the channel with `setup`; if it is already watched, the watch gets a new version
    from `now` (requests that arrived before keep being measured against the old one).

    Without a text of its own, the promise is stored with an empty text: each reader then
    sees the default sentence in their own language (`rules.promise_text`).
    """
    terms = _terms(setup)
    current = repo.active_watch(session, team_id=ws.team_id, channel_id=channel_id, lock=True)
    if current is not None and _terms_of(current.version) == terms:
        return SetWatchResult(_card(current), created=False, changed=False)
    if current is not None:
        changed = repo.change_promise(
            session,
            team_id=ws.team_id,
            promise_id=current.promise.id,
            made_by=actor_id,
            terms=terms,
            now=now,
        )
        assert changed is not None, "the watch was read under lock"
        return SetWatchResult(_card(changed), created=False)
    try:
        with session.begin_nested():
            made = repo.add_promise(
                session,
                team_id=ws.team_id,
                enterprise_id=ws.enterprise_id,
                channel_id=channel_id,
                kind=PromiseKind.response_time,
                created_by=actor_id,
                terms=terms,
                now=now,
            )
    except IntegrityError as error:
        raise DomainError(RACE) from error
    return SetWatchResult(_card(made), created=True)


def unwatch(
    session: Session, *, ws: Workspace, channel_id: str, actor_id: str, now: datetime
) -> WatchCard | None:
    """End the channel's watch at `now` (its versions are kept); None if there was none."""
    current = repo.active_watch(session, team_id=ws.team_id, channel_id=channel_id, lock=True)
    if current is None:
        return None
    repo.end_promise(
        session, team_id=ws.team_id, promise_id=current.promise.id, ended_by=actor_id, now=now
    )
    return _card(current)


def list_promises(
    session: Session, *, ws: Workspace, channel_id: str, page: int, page_size: int
) -> Page[PromiseCard]:
    """One page of the channel's promises in force: the watch first, then commitments."""

    def fetch(number: int) -> tuple[list[PromiseCard], int]:
        rows = repo.channel_promises(
            session,
            team_id=ws.team_id,
            channel_id=channel_id,
            offset=number * page_size,
            limit=page_size,
        )
        total = repo.count_channel_promises(session, team_id=ws.team_id, channel_id=channel_id)
        return [_promise_card(row.promise, row.version) for row in rows], total

    return clamp_page(fetch, page=page, page_size=page_size)


def remember_timezones(
    session: Session, *, ws: Workspace, timezones: dict[str, str | None], now: datetime
) -> None:
    """Cache members' Slack time zones (from `users.info` or a `user_change` event)."""
    for user_id, timezone in sorted(timezones.items()):
        members_repo.remember_timezone(
            session, team_id=ws.team_id, user_id=user_id, timezone=timezone, now=now
        )


def cached_timezones(
    session: Session, *, ws: Workspace, user_ids: list[str]
) -> dict[str, str | None]:
    """The cached Slack time zones of these members (absent: never seen)."""
    return members_repo.timezones(session, team_id=ws.team_id, user_ids=user_ids)


# --- between the storage rows and the rules' values ----------------------------------------


def _terms(setup: WatchSetup) -> Terms:
    hours = setup.hours
    return Terms(
        text=setup.text or "",
        window_seconds=int(setup.window.total_seconds()),
        business_timezone=hours.timezone if hours else None,
        business_weekdays=tuple(sorted(hours.weekdays)) if hours else None,
        business_opens=hours.opens if hours else None,
        business_closes=hours.closes if hours else None,
        holiday_country=hours.holiday_country if hours else None,
        holiday_subdivision=hours.holiday_subdivision if hours else None,
        team_kind=setup.team.kind,
        team_group_id=setup.team.group_id,
        team_user_ids=setup.team.user_ids or None,
        nudge_fraction=setup.nudge_fraction,
        ack_reactions=setup.ack_reactions,
        alert_place=AlertPlace.team_channel if setup.alert_channel_id else AlertPlace.thread,
        alert_channel_id=setup.alert_channel_id,
    )


def _terms_of(version: PromiseVersion) -> Terms:
    """The stored terms, in the shape `_terms` makes, so the two compare equal when unchanged."""

    def listed(values: list[Any] | None) -> tuple[Any, ...] | None:
        return None if values is None else tuple(values)

    return Terms(
        text=version.text,
        window_seconds=version.window_seconds,
        business_timezone=version.business_timezone,
        business_weekdays=listed(version.business_weekdays),
        business_opens=version.business_opens,
        business_closes=version.business_closes,
        holiday_country=version.holiday_country,
        holiday_subdivision=version.holiday_subdivision,
        team_kind=version.team_kind,
        team_group_id=version.team_group_id,
        team_user_ids=listed(version.team_user_ids),
        nudge_fraction=version.nudge_fraction,
        ack_reactions=listed(version.ack_reactions),
        alert_place=version.alert_place,
        alert_channel_id=version.alert_channel_id,
    )


def setup_of(version: PromiseVersion) -> WatchSetup:
    """The watch a stored response-time version describes (for the watcher too)."""
    hours = None
    if version.business_timezone:
        hours = BusinessHours(
            timezone=version.business_timezone,
            weekdays=frozenset(version.business_weekdays or ()),
            opens=version.business_opens or time(9),
            closes=version.business_closes or time(17),
            holiday_country=version.holiday_country,
            holiday_subdivision=version.holiday_subdivision,
        )
    team = Team(
        kind=version.team_kind or WatchTeam.channel_members,
        group_id=version.team_group_id,
        user_ids=tuple(version.team_user_ids or ()),
    )
    return WatchSetup(
        window=timedelta(seconds=version.window_seconds or 0),
        hours=hours,
        team=team,
        nudge_fraction=version.nudge_fraction or 0.75,
        ack_reactions=tuple(version.ack_reactions or ()),
        alert_channel_id=version.alert_channel_id
        if version.alert_place == AlertPlace.team_channel
        else None,
        text=version.text or None,
    )


def _card(found: PromiseAt) -> WatchCard:
    promise, version = found
    return WatchCard(
        promise_id=promise.id,
        channel_id=promise.channel_id,
        version=version.number,
        text=version.text,
        setup=setup_of(version),
        created_by=promise.created_by,
        made_by=version.made_by,
        since=version.valid_from,
        exercise_id=promise.exercise_id,
    )


def _promise_card(promise: Promise, version: PromiseVersion) -> PromiseCard:
    window = (
        timedelta(seconds=version.window_seconds) if version.window_seconds is not None else None
    )
    return PromiseCard(
        promise_id=promise.id,
        kind=promise.kind.value,
        text=version.text,
        version=version.number,
        created_by=promise.created_by,
        made_by=version.made_by,
        since=version.valid_from,
        exercise_id=promise.exercise_id,
        window=window,
    )
