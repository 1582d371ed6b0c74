"""Promise storage: versions follow each other without gaps, the version in force at a moment
is the one a request arriving then is measured against, and a channel has one watch at most."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import Core
from storage.enums import AlertPlace, PromiseKind, WatchTeam
from storage.repositories import promises as repo
from storage.repositories.promises import Terms
from tests.storage import CHANNEL, T1, T2, read

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _watch_terms(window: int, text: str = "We acknowledge every request within 4h") -> Terms:
    return Terms(
        text=text,
        window_seconds=window,
        business_timezone="Europe/Paris",
        business_weekdays=(0, 1, 2, 3, 4),
        business_opens=time(9),
        business_closes=time(17),
        holiday_country="FR",
        team_kind=WatchTeam.named_users,
        team_user_ids=("U0ANNA", "U0BRUNO"),
        nudge_fraction=0.75,
        ack_reactions=("eyes", "white_check_mark"),
        alert_place=AlertPlace.thread,
    )


def _add_watch(runtime: Core, window: int, at: datetime, team_id: str = T1.team_id) -> int:
    def work(session: Session) -> int:
        made = repo.add_promise(
            session,
            team_id=team_id,
            enterprise_id=None,
            channel_id=CHANNEL,
            kind=PromiseKind.response_time,
            created_by="U0ANNA",
            terms=_watch_terms(window),
            now=at,
        )
        return made.promise.id

    return runtime.in_transaction(work)


def _window_at(runtime: Core, at: datetime, team_id: str = T1.team_id) -> int | None:
    def work(session: Session) -> int | None:
        found = repo.version_in_force(session, team_id=team_id, channel_id=CHANNEL, at=at)
        return None if found is None else found.version.window_seconds

    return read(runtime, work)


def test_a_change_makes_a_new_version_from_that_moment(runtime: Core) -> None:
    promise_id = _add_watch(runtime, 4 * 3600, START)
    changed_at = START + timedelta(days=2)

    def change(session: Session) -> int:
        made = repo.change_promise(
            session,
            team_id=T1.team_id,
            promise_id=promise_id,
            made_by="U0BRUNO",
            terms=_watch_terms(3600, "We acknowledge every request within 1h"),
            now=changed_at,
        )
        assert made is not None
        return made.version.number

    assert runtime.in_transaction(change) == 2

    assert _window_at(runtime, START - timedelta(seconds=1)) is None
    assert _window_at(runtime, START) == 4 * 3600
    assert _window_at(runtime, changed_at - timedelta(microseconds=1)) == 4 * 3600
    assert _window_at(runtime, changed_at) == 3600
    assert _window_at(runtime, changed_at + timedelta(days=300)) == 3600
    stored = read(
        runtime,
        lambda s: [
            (v.number, v.made_by, v.valid_from, v.valid_to, v.business_weekdays, v.business_opens)
            for v in repo.versions(s, team_id=T1.team_id, promise_id=promise_id)
        ],
    )
    assert stored == [
        (1, "U0ANNA", START, changed_at, [0, 1, 2, 3, 4], time(9)),
        (2, "U0BRUNO", changed_at, None, [0, 1, 2, 3, 4], time(9)),
    ]


def test_ending_a_watch_keeps_its_history_and_frees_the_channel(runtime: Core) -> None:
    first = _add_watch(runtime, 4 * 3600, START)
    ended_at = START + timedelta(hours=5)
    runtime.in_transaction(
        lambda s: repo.end_promise(
            s, team_id=T1.team_id, promise_id=first, ended_by="U0BRUNO", now=ended_at
        )
    )

    assert _window_at(runtime, START + timedelta(hours=1)) == 4 * 3600
    assert _window_at(runtime, ended_at) is None
    second = _add_watch(runtime, 600, ended_at + timedelta(hours=1))
    assert _window_at(runtime, ended_at + timedelta(hours=2)) == 600
    history = read(
        runtime,
        lambda s: [
            (p.id, p.ended_by)
            for p in repo.channel_history(s, team_id=T1.team_id, channel_id=CHANNEL)
        ],
    )
    assert history == [(first, "U0BRUNO"), (second, None)]


def test_a_second_watch_on_a_channel_is_refused_by_the_database(runtime: Core) -> None:
    _add_watch(runtime, 3600, START)

    with pytest.raises(IntegrityError, match=r"(?i)unique"):
        _add_watch(runtime, 600, START + timedelta(minutes=1))


def test_commitments_are_not_watches_and_a_channel_may_hold_many(runtime: Core) -> None:
    _add_watch(runtime, 3600, START)

    def commit(session: Session, text: str) -> None:
        repo.add_promise(
            session,
            team_id=T1.team_id,
            enterprise_id=None,
            channel_id=CHANNEL,
            kind=PromiseKind.commitment,
            created_by="U0CHLOE",
            terms=Terms(text=text),
            now=START,
            exercise_id=7,
        )

    runtime.in_transaction(commit, "We send the NDA template on the first call")
    runtime.in_transaction(commit, "We call back within the day")

    page = read(
        runtime,
        lambda s: [
            (p.promise.kind, p.promise.exercise_id, p.version.text)
            for p in repo.channel_promises(
                s, team_id=T1.team_id, channel_id=CHANNEL, offset=0, limit=10
            )
        ],
    )
    assert page[0][0] == PromiseKind.response_time
    assert page[1:] == [
        (PromiseKind.commitment, 7, "We send the NDA template on the first call"),
        (PromiseKind.commitment, 7, "We call back within the day"),
    ]
    assert (
        read(
            runtime,
            lambda s: repo.count_channel_promises(s, team_id=T1.team_id, channel_id=CHANNEL),
        )
        == 3
    )


def test_another_workspace_sees_nothing_of_a_watch_on_the_same_channel_id(runtime: Core) -> None:
    _add_watch(runtime, 3600, START)

    assert _window_at(runtime, START + timedelta(minutes=1), team_id=T2.team_id) is None
    assert (
        read(runtime, lambda s: repo.active_watch(s, team_id=T2.team_id, channel_id=CHANNEL))
        is None
    )
    # The same channel id in another workspace can have its own watch.
    _add_watch(runtime, 600, START, team_id=T2.team_id)
    assert _window_at(runtime, START + timedelta(minutes=1), team_id=T2.team_id) == 600
