"""Queries on irritants, votes and their history; every one filters by team_id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Irritant, IrritantEvent, IrritantNote, IrritantVote
from storage.repositories.planner import not_an_index
from storage.repositories.upsert import insert_ignore, insert_many_ignore

OPEN_STATUSES = ("new", "acknowledged")


def get_or_create(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel_id: str,
    message_ts: str,
    thread_ts: str | None,
    author_id: str | None,
    now: datetime,
) -> tuple[Irritant, bool]:
    """The irritant for a message, created if needed; concurrent callers get the same row."""
    created = insert_ignore(
        session,
        Irritant,
        {
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "channel_id": channel_id,
            "message_ts": message_ts,
            "thread_ts": thread_ts,
            "message_author_id": author_id,
            "status": "new",
            "text_status": "pending",
            "status_changed_at": now,
            "last_reported_at": now,
            "created_at": now,
        },
    )
    irritant = by_message(
        session, team_id=team_id, channel_id=channel_id, message_ts=message_ts, lock=True
    )
    assert irritant is not None, "the row was just inserted or already there"
    return irritant, created


def ensure_for_messages(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    messages: list[tuple[str, str, str | None]],
    now: datetime,
) -> set[tuple[str, str]]:
    """`get_or_create` for many (channel_id, message_ts, author_id) in one statement.

    Returns the (channel_id, message_ts) of the irritants this call created.
    """
    rows = [
        {
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "channel_id": channel_id,
            "message_ts": message_ts,
            "thread_ts": None,
            "message_author_id": author_id,
            "status": "new",
            "text_status": "pending",
            "status_changed_at": now,
            "last_reported_at": now,
            "created_at": now,
        }
        for channel_id, message_ts, author_id in messages
    ]
    created = insert_many_ignore(session, Irritant, rows, ["channel_id", "message_ts"])
    return {(channel_id, message_ts) for channel_id, message_ts in created}


def by_messages(
    session: Session, *, team_id: str, messages: list[tuple[str, str]], lock: bool = False
) -> dict[tuple[str, str], Irritant]:
    """The irritants of many messages, keyed by (channel_id, message_ts)."""
    if not messages:
        return {}
    # One IN list per column, not a (channel, ts) row-value IN: SQLite probes the unique
    # index (team, channel, ts) with two lists but scanned the workspace's irritants for a
    # row-value list. The cross product may name a few rows not asked for: left out below.
    wanted = set(messages)
    statement = select(Irritant).where(
        Irritant.team_id == team_id,
        Irritant.channel_id.in_(sorted({channel for channel, _ in wanted})),
        Irritant.message_ts.in_(sorted({ts for _, ts in wanted})),
    )
    statement = _locked(statement, lock).execution_options(populate_existing=True)
    rows = session.scalars(statement)
    return {key: row for row in rows if (key := (row.channel_id, row.message_ts)) in wanted}


def voters_among(
    session: Session, *, team_id: str, irritant_ids: list[int], user_ids: list[str]
) -> set[tuple[int, str]]:
    """Which of these users already report which of these irritants."""
    if not irritant_ids or not user_ids:
        return set()
    statement = select(IrritantVote.irritant_id, IrritantVote.user_id).where(
        not_an_index(IrritantVote.team_id) == team_id,
        IrritantVote.irritant_id.in_(irritant_ids),
        IrritantVote.user_id.in_(user_ids),
    )
    return {(irritant_id, user_id) for irritant_id, user_id in session.execute(statement)}


def add_votes(
    session: Session, *, team_id: str, votes: list[tuple[int, str, str]], now: datetime
) -> set[tuple[int, str, str]]:
    """`add_vote` for many (irritant_id, user_id, via); returns those that were new."""
    rows = [
        {
            "team_id": team_id,
            "irritant_id": irritant_id,
            "user_id": user_id,
            "via": via,
            "created_at": now,
        }
        for irritant_id, user_id, via in votes
    ]
    inserted = insert_many_ignore(session, IrritantVote, rows, ["irritant_id", "user_id", "via"])
    return {(irritant_id, user_id, via) for irritant_id, user_id, via in inserted}


def set_last_reported(
    session: Session, *, team_id: str, irritants: list[Irritant], now: datetime
) -> None:
    """The batch's newly reported irritants were last reported `now`: one UPDATE, where
    setting the attribute made the ORM's flush work out and write each row on its own (the
    loaded objects get the value without being marked changed)."""
    if not irritants:
        return
    session.execute(
        _SET_LAST_REPORTED,
        {"in_team": team_id, "reported_ids": [i.id for i in irritants], "reported_at": now},
    )
    for irritant in irritants:
        set_committed_value(irritant, "last_reported_at", now)


def add_events(session: Session, *, rows: list[dict[str, object]]) -> None:
    """`add_event` for many rows (team_id, irritant_id, kind, actor_id, note, at)."""
    if rows:
        session.execute(_ADD_EVENT, rows)


def _locked(statement: Select[Irritant], lock: bool) -> Select[Irritant]:
    """With `lock`, hold the row until commit (FOR NO KEY UPDATE on PostgreSQL).

    Check-then-write rules (is this the last reporter? is it still open?) must read what a
    concurrent transaction on the same irritant committed, or two resolves both notify and
    two leaving reporters both see the other and nobody withdraws. SQLite needs no lock:
    BEGIN IMMEDIATE already runs writers one at a time, and its dialect renders nothing.
    """
    return statement.with_for_update(key_share=True) if lock else statement


# The event ingest runs these for every reaction: built once, with bound parameters, so
# SQLAlchemy reuses their compiled form instead of building and hashing a new statement.
_BY_MESSAGE = {
    lock: _locked(
        select(Irritant).where(
            Irritant.team_id == bindparam("team_id"),
            Irritant.channel_id == bindparam("channel_id"),
            Irritant.message_ts == bindparam("message_ts"),
        ),
        lock,
    ).execution_options(populate_existing=True)
    for lock in (False, True)
}
_HAS_VOTED = (
    select(IrritantVote.id)
    .where(
        not_an_index(IrritantVote.team_id) == bindparam("team_id"),
        IrritantVote.irritant_id == bindparam("irritant_id"),
        IrritantVote.user_id == bindparam("user_id"),
    )
    .limit(1)
)
_IRRITANTS = Irritant.metadata.tables["irritants"]
_SET_LAST_REPORTED = (
    update(_IRRITANTS)
    .where(
        _IRRITANTS.c.team_id == bindparam("in_team"),
        _IRRITANTS.c.id.in_(bindparam("reported_ids", expanding=True)),
    )
    .values(last_reported_at=bindparam("reported_at", type_=_IRRITANTS.c.last_reported_at.type))
)
_ADD_EVENT = insert(IrritantEvent.metadata.tables["irritant_events"])


def by_message(
    session: Session, *, team_id: str, channel_id: str, message_ts: str, lock: bool = False
) -> Irritant | None:
    parameters = {"team_id": team_id, "channel_id": channel_id, "message_ts": message_ts}
    return session.scalars(_BY_MESSAGE[lock], parameters).first()


def by_id(
    session: Session, *, team_id: str, irritant_id: int, lock: bool = False
) -> Irritant | None:
    statement = select(Irritant).where(Irritant.team_id == team_id, Irritant.id == irritant_id)
    statement = _locked(statement, lock)
    return session.scalars(statement.execution_options(populate_existing=True)).first()


def by_ids(session: Session, *, team_id: str, irritant_ids: list[int]) -> dict[int, Irritant]:
    """`by_id` for many irritants in one query (the ones that exist)."""
    if not irritant_ids:
        return {}
    statement = select(Irritant).where(
        Irritant.team_id == team_id, Irritant.id.in_(sorted(set(irritant_ids)))
    )
    rows = session.scalars(statement.execution_options(populate_existing=True))
    return {irritant.id: irritant for irritant in rows}


def reporter_counts(session: Session, *, team_id: str, irritant_ids: list[int]) -> dict[int, int]:
    """How many distinct reporters each irritant has (absent: none)."""
    if not irritant_ids:
        return {}
    statement = (
        select(IrritantVote.irritant_id, func.count(func.distinct(IrritantVote.user_id)))
        .where(
            not_an_index(IrritantVote.team_id) == team_id,
            IrritantVote.irritant_id.in_(sorted(set(irritant_ids))),
        )
        .group_by(IrritantVote.irritant_id)
    )
    return {irritant_id: count for irritant_id, count in session.execute(statement)}


def add_vote(
    session: Session, *, team_id: str, irritant_id: int, user_id: str, via: str, now: datetime
) -> bool:
    return insert_ignore(
        session,
        IrritantVote,
        {
            "team_id": team_id,
            "irritant_id": irritant_id,
            "user_id": user_id,
            "via": via,
            "created_at": now,
        },
    )


def remove_vote(
    session: Session, *, team_id: str, irritant_id: int, user_id: str, via: str
) -> bool:
    statement = delete(IrritantVote).where(
        not_an_index(IrritantVote.team_id) == team_id,
        IrritantVote.irritant_id == irritant_id,
        IrritantVote.user_id == user_id,
        IrritantVote.via == via,
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def remove_votes_of(session: Session, *, team_id: str, irritant_id: int, user_id: str) -> int:
    statement = delete(IrritantVote).where(
        not_an_index(IrritantVote.team_id) == team_id,
        IrritantVote.irritant_id == irritant_id,
        IrritantVote.user_id == user_id,
    )
    return session.execute(statement).rowcount  # type: ignore[attr-defined, no-any-return]


def reporters(session: Session, *, team_id: str, irritant_id: int) -> list[str]:
    """Distinct reporters, first reporter first."""
    statement = (
        select(IrritantVote.user_id, func.min(IrritantVote.created_at).label("first"))
        .where(
            not_an_index(IrritantVote.team_id) == team_id, IrritantVote.irritant_id == irritant_id
        )
        .group_by(IrritantVote.user_id)
        .order_by("first", IrritantVote.user_id)
    )
    return [row[0] for row in session.execute(statement)]


def has_voted(session: Session, *, team_id: str, irritant_id: int, user_id: str) -> bool:
    parameters = {"team_id": team_id, "irritant_id": irritant_id, "user_id": user_id}
    return session.scalars(_HAS_VOTED, parameters).first() is not None


def add_event(
    session: Session,
    *,
    team_id: str,
    irritant_id: int,
    kind: str,
    actor_id: str | None,
    now: datetime,
    note: str | None = None,
) -> None:
    session.execute(
        _ADD_EVENT,
        {
            "team_id": team_id,
            "irritant_id": irritant_id,
            "kind": kind,
            "actor_id": actor_id,
            "note": note,
            "at": now,
        },
    )


def history(session: Session, *, team_id: str, irritant_ids: list[int]) -> list[IrritantEvent]:
    if not irritant_ids:
        return []
    statement = (
        select(IrritantEvent)
        .where(IrritantEvent.team_id == team_id, IrritantEvent.irritant_id.in_(irritant_ids))
        .order_by(IrritantEvent.at, IrritantEvent.id)
    )
    return list(session.scalars(statement))


def votes_for(session: Session, *, team_id: str, irritant_ids: list[int]) -> dict[int, list[str]]:
    """Distinct reporters per irritant."""
    if not irritant_ids:
        return {}
    statement = (
        select(IrritantVote.irritant_id, IrritantVote.user_id, func.min(IrritantVote.created_at))
        .where(
            not_an_index(IrritantVote.team_id) == team_id,
            IrritantVote.irritant_id.in_(irritant_ids),
        )
        .group_by(IrritantVote.irritant_id, IrritantVote.user_id)
        .order_by(func.min(IrritantVote.created_at), IrritantVote.user_id)
    )
    result: dict[int, list[str]] = {irritant_id: [] for irritant_id in irritant_ids}
    for irritant_id, user_id, _first in session.execute(statement):
        result[irritant_id].append(user_id)
    return result


@dataclass(frozen=True)
class RankedPage:
    irritants: list[tuple[Irritant, int]]  # (irritant, reporter count)
    total: int


def _ranked(
    team_id: str, *, open_only: bool, category: str | None, channels: frozenset[str] | None
) -> Select[Irritant, int]:
    reporter_count = (
        select(
            IrritantVote.irritant_id.label("irritant_id"),
            func.count(func.distinct(IrritantVote.user_id)).label("reporters"),
        )
        .where(IrritantVote.team_id == team_id)
        .group_by(IrritantVote.irritant_id)
        .subquery()
    )
    count_column = func.coalesce(reporter_count.c.reporters, 0)
    statement = (
        select(Irritant, count_column)
        .outerjoin(reporter_count, reporter_count.c.irritant_id == Irritant.id)
        .where(Irritant.team_id == team_id)
    )
    if open_only:
        statement = statement.where(Irritant.status.in_(OPEN_STATUSES))
    if category is not None:
        statement = statement.where(func.lower(Irritant.category) == category.lower())
    if channels is not None:
        statement = statement.where(Irritant.channel_id.in_(sorted(channels)))
    return statement.order_by(
        count_column.desc(), Irritant.last_reported_at.desc(), Irritant.id.desc()
    )


def ranked_page(
    session: Session,
    *,
    team_id: str,
    open_only: bool,
    category: str | None,
    offset: int,
    limit: int,
    channels: frozenset[str] | None = None,
) -> RankedPage:
    """`channels`: only irritants from these (None: from every channel)."""
    statement = _ranked(team_id, open_only=open_only, category=category, channels=channels)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(statement.offset(offset).limit(limit)).all()
    return RankedPage([(row[0], int(row[1])) for row in rows], int(total))


def all_for_export(
    session: Session, *, team_id: str, channels: frozenset[str] | None = None
) -> list[Irritant]:
    statement = select(Irritant).where(Irritant.team_id == team_id).order_by(Irritant.id)
    if channels is not None:
        statement = statement.where(Irritant.channel_id.in_(sorted(channels)))
    return list(session.scalars(statement))


def channel_ids(session: Session, *, team_id: str) -> list[str]:
    """Every channel the workspace's irritants come from."""
    statement = select(Irritant.channel_id).where(Irritant.team_id == team_id).distinct()
    return sorted(session.scalars(statement))


def note_of(session: Session, *, team_id: str, irritant_id: int, user_id: str) -> str | None:
    statement = select(IrritantNote.note).where(
        IrritantNote.team_id == team_id,
        IrritantNote.irritant_id == irritant_id,
        IrritantNote.user_id == user_id,
    )
    return session.scalars(statement).first()


def set_note(
    session: Session,
    *,
    team_id: str,
    irritant_id: int,
    user_id: str,
    note: str | None,
    now: datetime,
) -> bool:
    """Write (or, with None, delete) one person's note; True when it changed."""
    if note_of(session, team_id=team_id, irritant_id=irritant_id, user_id=user_id) == note:
        return False
    session.execute(
        delete(IrritantNote).where(
            IrritantNote.team_id == team_id,
            IrritantNote.irritant_id == irritant_id,
            IrritantNote.user_id == user_id,
        )
    )
    if note is not None:
        session.add(
            IrritantNote(
                team_id=team_id, irritant_id=irritant_id, user_id=user_id, note=note, updated_at=now
            )
        )
        session.flush()
    return True


def notes_for(
    session: Session, *, team_id: str, irritant_ids: list[int]
) -> dict[int, list[IrritantNote]]:
    """Every person's current note per irritant, oldest first."""
    result: dict[int, list[IrritantNote]] = {irritant_id: [] for irritant_id in irritant_ids}
    if not irritant_ids:
        return result
    statement = (
        select(IrritantNote)
        .where(IrritantNote.team_id == team_id, IrritantNote.irritant_id.in_(irritant_ids))
        .order_by(IrritantNote.updated_at, IrritantNote.id)
    )
    for row in session.scalars(statement):
        result[row.irritant_id].append(row)
    return result


def redact_older_than(
    session: Session, *, team_id: str, posted_before: datetime, now: datetime
) -> list[int]:
    """Blank the stored text of messages older than the retention cut-off; returns their ids."""
    old = and_(
        Irritant.team_id == team_id,
        Irritant.message_text.is_not(None),
        func.coalesce(Irritant.message_posted_at, Irritant.created_at) < posted_before,
    )
    ids = list(session.scalars(select(Irritant.id).where(old)))
    if ids:
        session.execute(
            update(Irritant)
            .where(Irritant.team_id == team_id, Irritant.id.in_(ids))
            .values(message_text=None, text_status="redacted")
        )
        for irritant_id in ids:
            add_event(
                session,
                team_id=team_id,
                irritant_id=irritant_id,
                kind="redacted",
                actor_id=None,
                now=now,
                note="retention",
            )
    return ids


def teams_with_text(session: Session) -> list[str]:
    """Workspaces that still hold message text (the retention job's work list)."""
    statement = select(Irritant.team_id).where(Irritant.message_text.is_not(None)).distinct()
    return list(session.scalars(statement))
