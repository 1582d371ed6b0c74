"""Requests, follow-ups, acknowledgements and due alerts, written through the event ingest.

The watch comes from a stand-in for the promises' storage (`watches.in_force`), so these
tests hold the watcher's own storage to its rules on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot import events
from bot.events import MessageEvent, ReactionEvent
from bot.tenancy import Workspace
from bot.watcher import capture, due, watches
from bot.watcher.rules import WatchTerms
from bot.watcher.watches import Watch
from bot.windows import BusinessHours
from storage.db import make_session_factory
from storage.enums import AcknowledgedHow, RequestStatus
from storage.models import ClientRequest, OutboxMessage

WS = Workspace("T0WATCH")
CHANNEL = "C0SUPPORT"
TEAM = ("U0MARIE", "U0JACK")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
_keys = itertools.count()


def make_watch(hours: BusinessHours | None = None, window: timedelta = timedelta(hours=4)) -> Watch:
    return Watch(
        promise_id=1,
        version_id=1,
        channel_id=CHANNEL,
        owner="U0OWNER",
        text="We acknowledge every request within 4h",
        terms=WatchTerms(team=frozenset(TEAM), window=window, hours=hours),
        members=tuple((user, None) for user in TEAM),
        team_kind="named_users",
        team_group_id=None,
        alert_channel_id=None,
    )


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Watch:
    current = make_watch()

    def in_force(session: Session, *, team_id: str, channel_id: str, at: datetime) -> Watch | None:
        return current if (team_id, channel_id) == (WS.team_id, CHANNEL) else None

    def by_version(session: Session, *, team_id: str, version_id: int) -> Watch | None:
        return current if team_id == WS.team_id else None

    def by_versions(
        session: Session, wanted: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], Watch | None]:
        return {key: current if key[0] == WS.team_id else None for key in wanted}

    monkeypatch.setattr(watches, "in_force", in_force)
    monkeypatch.setattr(watches, "by_version", by_version)
    monkeypatch.setattr(watches, "by_versions", by_versions)
    return current


@pytest.fixture
def sessions(db: Engine) -> sessionmaker[Session]:
    return make_session_factory(db)


def ts_at(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def message(
    user: str | None,
    at: datetime,
    *,
    key: str | None = None,
    thread_ts: str | None = None,
    subtype: str | None = None,
    deleted_ts: str | None = None,
    channel: str = CHANNEL,
) -> MessageEvent:
    return MessageEvent(
        key=key or f"Ev{next(_keys)}",
        kind="message",
        subtype=subtype,
        channel_id=channel,
        ts=ts_at(at),
        user_id=user,
        thread_ts=thread_ts,
        deleted_ts=deleted_ts,
        text="Hello, our export is broken",
    )


def ingest(sessions: sessionmaker[Session], batch: list[Any], now: datetime) -> None:
    subscriber = capture.on_reaction if isinstance(batch[0], ReactionEvent) else capture.on_message
    with sessions.begin() as session:
        events.ingest(session, ws=WS, events=batch, subscribers=[subscriber], now=now)


def requests(sessions: sessionmaker[Session]) -> list[ClientRequest]:
    with sessions() as session:
        rows = list(session.scalars(select(ClientRequest).order_by(ClientRequest.id)))
        session.expunge_all()
        return rows


def alerts(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return [row.payload for row in session.scalars(select(OutboxMessage))]


def test_a_request_retried_and_duplicated_is_recorded_once(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    first = message("U0CLIENT", T0, key="EvSame")
    ingest(sessions, [first, first], T0)
    ingest(sessions, [first], T0 + timedelta(seconds=3))
    [request] = requests(sessions)
    assert (request.requester, request.status, request.follow_ups) == (
        "U0CLIENT",
        RequestStatus.open,
        0,
    )
    assert request.due_at == T0 + timedelta(hours=4)
    assert request.nudge_at == T0 + timedelta(hours=3)


def test_follow_ups_count_once_each_and_grouped_messages_are_one_request(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    ingest(sessions, [message("U0CLIENT", T0)], T0)
    ingest(sessions, [message("U0CLIENT", T0 + timedelta(minutes=2))], T0 + timedelta(minutes=2))
    chaser = message("U0CLIENT", T0 + timedelta(minutes=30), key="EvChase")
    ingest(sessions, [chaser, chaser], T0 + timedelta(minutes=30))
    ingest(sessions, [chaser], T0 + timedelta(minutes=31))  # Slack's retry
    root = requests(sessions)[0].ts
    in_thread = message("U0CLIENT", T0 + timedelta(hours=1), thread_ts=root)
    ingest(sessions, [in_thread], T0 + timedelta(hours=1))
    [request] = requests(sessions)
    assert request.follow_ups == 2


def test_the_first_acknowledgement_stops_the_clock(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    ingest(sessions, [message("U0CLIENT", T0)], T0)
    root = requests(sessions)[0].ts
    reaction = ReactionEvent(
        key="EvReact",
        kind="reaction_added",
        user_id="U0JACK",
        reaction="eyes",
        channel_id=CHANNEL,
        message_ts=root,
        item_user="U0CLIENT",
    )
    own = ReactionEvent(
        key="EvOwn",
        kind="reaction_added",
        user_id="U0CLIENT",
        reaction="eyes",
        channel_id=CHANNEL,
        message_ts=root,
        item_user="U0CLIENT",
    )
    later = T0 + timedelta(minutes=20)
    ingest(sessions, [own], later - timedelta(minutes=1))
    assert requests(sessions)[0].status == RequestStatus.open
    ingest(sessions, [reaction], later)
    reply = message("U0MARIE", T0 + timedelta(minutes=40), thread_ts=root)
    ingest(sessions, [reply], T0 + timedelta(minutes=40))
    [request] = requests(sessions)
    assert request.status == RequestStatus.acknowledged
    assert (request.acknowledged_by, request.acknowledged_how) == (
        "U0JACK",
        AcknowledgedHow.reaction,
    )
    assert request.acknowledged_at == later
    assert request.next_check_at is None
    assert not request.breached


def test_the_teams_messages_bots_and_joins_are_not_requests(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    ingest(
        sessions,
        [
            message("U0MARIE", T0),
            message("U0CLIENT", T0, subtype="channel_join"),
            message(None, T0, subtype="bot_message"),
            message("U0CLIENT", T0, channel="C0UNWATCHED"),
        ],
        T0,
    )
    assert requests(sessions) == []


def test_a_deleted_request_is_withdrawn_and_its_text_forgotten(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    ingest(sessions, [message("U0CLIENT", T0)], T0)
    root = requests(sessions)[0].ts
    ingest(sessions, [message(None, T0, subtype="message_deleted", deleted_ts=root)], T0)
    [request] = requests(sessions)
    assert request.status == RequestStatus.withdrawn
    assert request.text is None
    assert request.next_check_at is None


def scan(sessions: sessionmaker[Session], now: datetime) -> dict[str, int]:
    with sessions.begin() as session:
        return due.scan(session, now)


def test_nudge_then_escalation_each_once_however_often_the_scan_runs(
    sessions: sessionmaker[Session], watch: Watch
) -> None:
    ingest(sessions, [message("U0CLIENT", T0)], T0)
    assert scan(sessions, T0 + timedelta(hours=2))["nudged"] == 0
    assert scan(sessions, T0 + timedelta(hours=3))["nudged"] == 1
    assert scan(sessions, T0 + timedelta(hours=3, seconds=5))["nudged"] == 0
    assert scan(sessions, T0 + timedelta(hours=4))["escalated"] == 1
    assert scan(sessions, T0 + timedelta(hours=5)) == {"nudged": 0, "escalated": 0, "postponed": 0}
    kinds = [payload for payload in alerts(sessions)]
    assert len(kinds) == 3  # nudge, escalation, owner's DM
    [request] = requests(sessions)
    assert request.breached
    assert request.nudged_at == T0 + timedelta(hours=3)
    assert request.escalated_at == T0 + timedelta(hours=4)
    assert request.next_check_at is None


def test_a_weekend_holds_alerts_until_the_team_opens(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = BusinessHours("Europe/Paris")
    current = make_watch(hours=office)
    monkeypatch.setattr(watches, "in_force", lambda session, **kw: current)
    monkeypatch.setattr(watches, "by_version", lambda session, **kw: current)
    monkeypatch.setattr(
        watches, "by_versions", lambda session, wanted: dict.fromkeys(wanted, current)
    )
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # 16:00 in Paris
    ingest(sessions, [message("U0CLIENT", friday)], friday)
    [request] = requests(sessions)
    monday_11 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert request.nudge_at == monday_11
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert scan(sessions, saturday)["nudged"] == 0
    # The bot was down all Monday morning: at noon only the escalation goes, once.
    noon = datetime(2026, 3, 9, 11, 0, tzinfo=UTC)
    assert scan(sessions, noon) == {"nudged": 0, "escalated": 1, "postponed": 0}
    assert scan(sessions, noon + timedelta(minutes=1))["escalated"] == 0


def test_two_schedulers_at_once_alert_once(sessions: sessionmaker[Session], watch: Watch) -> None:
    """One scheduler is mid-tick (its transaction open) when a second one ticks: on
    PostgreSQL the second skips the locked rows; on SQLite it waits for the write lock and
    then finds nothing due. Either way one nudge."""
    ingest(sessions, [message("U0CLIENT", T0)], T0)
    now = T0 + timedelta(hours=3)
    results: dict[str, dict[str, int]] = {}
    first_done = threading.Event()

    def second() -> None:
        with sessions.begin() as session:
            results["second"] = due.scan(session, now)

    with sessions.begin() as session:
        results["first"] = due.scan(session, now)
        runner = threading.Thread(target=second)
        runner.start()
        runner.join(timeout=1.0)  # PostgreSQL: done already; SQLite: waiting for the lock
        first_done.set()
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert results["first"]["nudged"] + results["second"]["nudged"] == 1
    assert len(alerts(sessions)) == 1
