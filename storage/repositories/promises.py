"""Queries on promises and their versions; every one filters by team_id.

The model, in three rules the functions below keep:

- A promise is made with `add_promise` (version 1, in force from `now`).
- `change_promise` closes the version in force (`valid_to = now`) and opens the next one
  (`valid_from = now`): versions of a promise never overlap and leave no gap, so
  `version_in_force` at any moment names exactly one version, or none before the promise was
  made and after it ended.
- `end_promise` (`/journey unwatch`) closes the version in force and marks the promise
  ended; nothing is deleted, so a request that arrived under an ended watch is still measured
  against the terms it arrived under.

A channel's *watch* is its active response-time promise; the database keeps it to one per
channel (`IntegrityError` on a second `add_promise` of that kind, even from a concurrent
transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import NamedTuple

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from storage.enums import AlertPlace, PromiseKind, WatchTeam
from storage.models import Promise, PromiseVersion
from storage.repositories.planner import not_an_index


@dataclass(frozen=True)
class Terms:
    """The terms of one version. For a commitment only `text` matters (the rest stays None).

    A response-time promise may have an empty `text`: it has no words of its own, and each
    reader sees the default sentence ("We acknowledge every request within 4h") in their
    language (`bot.promises.rules.promise_text`).

    For a response-time promise: `window_seconds` is required; business hours are the five
    `business_*`/`holiday_*` fields (all None: the clock always runs); the team is
    `team_kind` with `team_group_id` (user_group) or `team_user_ids` (named_users).
    """

    text: str
    window_seconds: int | None = None
    business_timezone: str | None = None
    business_weekdays: tuple[int, ...] | None = None
    business_opens: time | None = None
    business_closes: time | None = None
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    team_kind: WatchTeam | None = None
    team_group_id: str | None = None
    team_user_ids: tuple[str, ...] | None = None
    nudge_fraction: float | None = None
    ack_reactions: tuple[str, ...] | None = field(default=None)
    alert_place: AlertPlace | None = None
    alert_channel_id: str | None = None


class PromiseAt(NamedTuple):
    """A promise with one of its versions (the current one, or the one in force at a time)."""

    promise: Promise
    version: PromiseVersion


def add_promise(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel_id: str,
    kind: PromiseKind,
    created_by: str,
    terms: Terms,
    now: datetime,
    exercise_id: int | None = None,
) -> PromiseAt:
    """Make a promise and its version 1, in force from `now`.

    Raises:
        sqlalchemy.exc.IntegrityError: `kind` is response_time and the channel already has an
            active watch (raised at flush, here).
    """
    promise = Promise(
        team_id=team_id,
        enterprise_id=enterprise_id,
        channel_id=channel_id,
        kind=kind,
        created_by=created_by,
        exercise_id=exercise_id,
        created_at=now,
    )
    session.add(promise)
    session.flush()
    version = _new_version(promise, number=1, made_by=created_by, terms=terms, now=now)
    session.add(version)
    session.flush()
    return PromiseAt(promise, version)


def change_promise(
    session: Session, *, team_id: str, promise_id: int, made_by: str, terms: Terms, now: datetime
) -> PromiseAt | None:
    """Replace the terms of an active promise from `now` on; None if it is not active.

    The version in force until now keeps its terms and gets `valid_to = now`.
    """
    current = current_version(session, team_id=team_id, promise_id=promise_id, lock=True)
    if current is None:
        return None
    current.version.valid_to = now
    version = _new_version(
        current.promise,
        number=current.version.number + 1,
        made_by=made_by,
        terms=terms,
        now=now,
    )
    session.add(version)
    session.flush()
    return PromiseAt(current.promise, version)


def end_promise(
    session: Session, *, team_id: str, promise_id: int, ended_by: str, now: datetime
) -> Promise | None:
    """End an active promise at `now` (its versions are kept); None if it is not active."""
    current = current_version(session, team_id=team_id, promise_id=promise_id, lock=True)
    if current is None:
        return None
    current.version.valid_to = now
    current.promise.ended_at = now
    current.promise.ended_by = ended_by
    session.flush()
    return current.promise


def active_watch(
    session: Session, *, team_id: str, channel_id: str, lock: bool = False
) -> PromiseAt | None:
    """The channel's watch (its active response-time promise) with its current version.

    With `lock`, the promise row is held until commit (a change or an unwatch reads it first).
    """
    statement = _current().where(
        Promise.team_id == team_id,
        Promise.channel_id == channel_id,
        Promise.kind == PromiseKind.response_time,
    )
    if lock:
        statement = statement.with_for_update(of=Promise)
    row = session.execute(statement).first()
    return PromiseAt(row[0], row[1]) if row else None


def active_watches(session: Session, *, team_id: str) -> list[PromiseAt]:
    """Every watched channel of the workspace, with its current version, by channel id."""
    statement = _current().where(
        Promise.team_id == team_id, Promise.kind == PromiseKind.response_time
    )
    statement = statement.order_by(Promise.channel_id)
    return [PromiseAt(promise, version) for promise, version in session.execute(statement)]


def current_version(
    session: Session, *, team_id: str, promise_id: int, lock: bool = False
) -> PromiseAt | None:
    """An active promise with its current version; None if unknown here or ended."""
    statement = _current().where(Promise.team_id == team_id, Promise.id == promise_id)
    if lock:
        statement = statement.with_for_update(of=Promise)
    row = session.execute(statement).first()
    return PromiseAt(row[0], row[1]) if row else None


# Every ingest batch runs this once per channel it touches (messages and reactions): built
# once with bound parameters, so SQLAlchemy reuses its compiled form. The versions' team
# filter must not drive SQLite's plan (see `planner`): it read every version of the
# workspace; the (team, channel) index on promises leads instead.
_VERSION_IN_FORCE = (
    select(Promise, PromiseVersion)
    .join(PromiseVersion, PromiseVersion.promise_id == Promise.id)
    .where(
        Promise.team_id == bindparam("team_id"),
        not_an_index(PromiseVersion.team_id) == bindparam("team_id"),
        Promise.channel_id == bindparam("channel_id"),
        Promise.kind == PromiseKind.response_time,
        PromiseVersion.valid_from <= bindparam("at"),
        (PromiseVersion.valid_to.is_(None)) | (PromiseVersion.valid_to > bindparam("at")),
    )
    .order_by(PromiseVersion.valid_from.desc(), PromiseVersion.id.desc())
    .limit(1)
)


def version_in_force(
    session: Session, *, team_id: str, channel_id: str, at: datetime
) -> PromiseAt | None:
    """The channel's watch terms in force at `at`: the version a request arriving then is
    measured against (`valid_from <= at < valid_to`). None when no watch covered `at`.

    Works for ended watches too: history answers for the past.
    """
    parameters = {"team_id": team_id, "channel_id": channel_id, "at": at}
    row = session.execute(_VERSION_IN_FORCE, parameters).first()
    return PromiseAt(row[0], row[1]) if row else None


def promise_version_at(
    session: Session, *, team_id: str, promise_id: int, at: datetime
) -> PromiseVersion | None:
    """The version of one promise (of any kind) in force at `at`, if any."""
    statement = (
        select(PromiseVersion)
        .where(
            PromiseVersion.team_id == team_id,
            PromiseVersion.promise_id == promise_id,
            PromiseVersion.valid_from <= at,
            (PromiseVersion.valid_to.is_(None)) | (PromiseVersion.valid_to > at),
        )
        .order_by(PromiseVersion.number.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def channel_promises(
    session: Session, *, team_id: str, channel_id: str, offset: int, limit: int
) -> list[PromiseAt]:
    """A page of the channel's active promises with their current versions: the watch first,
    then commitments, oldest first."""
    statement = (
        _current()
        .where(Promise.team_id == team_id, Promise.channel_id == channel_id)
        .order_by(
            (Promise.kind == PromiseKind.response_time).desc(),
            Promise.created_at,
            Promise.id,
        )
        .offset(offset)
        .limit(limit)
    )
    return [PromiseAt(promise, version) for promise, version in session.execute(statement)]


def count_channel_promises(session: Session, *, team_id: str, channel_id: str) -> int:
    """How many active promises the channel has."""
    statement = select(func.count(Promise.id)).where(
        Promise.team_id == team_id, Promise.channel_id == channel_id, Promise.ended_at.is_(None)
    )
    return int(session.scalar(statement) or 0)


def versions(session: Session, *, team_id: str, promise_id: int) -> list[PromiseVersion]:
    """Every version of a promise, oldest first (ended promises included)."""
    statement = (
        select(PromiseVersion)
        .where(PromiseVersion.team_id == team_id, PromiseVersion.promise_id == promise_id)
        .order_by(PromiseVersion.number)
    )
    return list(session.scalars(statement))


def channel_history(session: Session, *, team_id: str, channel_id: str) -> list[Promise]:
    """Every promise the channel ever had, ended ones included, oldest first."""
    statement = (
        select(Promise)
        .where(Promise.team_id == team_id, Promise.channel_id == channel_id)
        .order_by(Promise.created_at, Promise.id)
    )
    return list(session.scalars(statement))


def _current() -> Select[Promise, PromiseVersion]:
    """Active promises joined to their version in force (the one with no `valid_to`)."""
    return (
        select(Promise, PromiseVersion)
        .join(PromiseVersion, PromiseVersion.promise_id == Promise.id)
        .where(
            Promise.ended_at.is_(None),
            PromiseVersion.valid_to.is_(None),
            PromiseVersion.team_id == Promise.team_id,
        )
    )


def _new_version(
    promise: Promise, *, number: int, made_by: str, terms: Terms, now: datetime
) -> PromiseVersion:
    return PromiseVersion(
        team_id=promise.team_id,
        promise_id=promise.id,
        number=number,
        text=terms.text,
        made_by=made_by,
        valid_from=now,
        valid_to=None,
        window_seconds=terms.window_seconds,
        business_timezone=terms.business_timezone,
        business_weekdays=None
        if terms.business_weekdays is None
        else list(terms.business_weekdays),
        business_opens=terms.business_opens,
        business_closes=terms.business_closes,
        holiday_country=terms.holiday_country,
        holiday_subdivision=terms.holiday_subdivision,
        team_kind=terms.team_kind,
        team_group_id=terms.team_group_id,
        team_user_ids=None if terms.team_user_ids is None else list(terms.team_user_ids),
        nudge_fraction=terms.nudge_fraction,
        ack_reactions=None if terms.ack_reactions is None else list(terms.ack_reactions),
        alert_place=terms.alert_place,
        alert_channel_id=terms.alert_channel_id,
    )


def versions_by_id(
    session: Session, *, team_id: str, version_ids: Iterable[int]
) -> list[PromiseVersion]:
    wanted = sorted(set(version_ids))
    if not wanted:
        return []
    statement = select(PromiseVersion).where(
        PromiseVersion.team_id == team_id, PromiseVersion.id.in_(wanted)
    )
    return list(session.scalars(statement))


def promises_by_id(
    session: Session, *, team_id: str, promise_ids: Iterable[int]
) -> dict[int, Promise]:
    wanted = sorted(set(promise_ids))
    if not wanted:
        return {}
    statement = select(Promise).where(Promise.team_id == team_id, Promise.id.in_(wanted))
    return {promise.id: promise for promise in session.scalars(statement)}
