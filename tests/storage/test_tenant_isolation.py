"""One workspace never sees or changes another's irritants; purging one leaves the other whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import channel_locale, membership
from bot.clock import FrozenClock
from bot.core import Core
from bot.home import usecases as home
from bot.irritants import config as workspace_settings
from bot.irritants import exports
from bot.irritants import rules as irritants
from bot.irritants.config import IrritantConfig
from bot.irritants.rules import Details, IrritantError
from bot.journeys import contribute
from bot.journeys import rules as journey_rules
from bot.journeys import usecases as journey_usecases
from bot.journeys.rules import JourneyError, NewExercise
from bot.membership import everyone
from bot.tenancy import Workspace
from handlers.features import feature_set
from storage.enums import JourneyPhase, PromiseKind, RequestStatus
from storage.models import ClientRequest, Installation, Irritant, OutboxMessage
from storage.repositories import digests as digests_repo
from storage.repositories import inbox
from storage.repositories import irritants as repo
from storage.repositories import journeys as journeys_repo
from storage.repositories import members as members_repo
from storage.repositories import promises as promises_repo
from storage.repositories import workspaces as workspaces_repo
from storage.repositories.journeys import DueExercise
from storage.repositories.promises import Terms
from tests.storage import CHANNEL, T1, T2, TS, read, report

Snapshot = list[tuple[Any, ...]]


def _populate(runtime: Core, ws: Workspace, text: str) -> int:
    """Rows for `ws` in every tenant table, on the same channel and message ids as the other."""
    now = runtime.clock.now()
    result = report(
        runtime, ws=ws, user="U0ANNA", text=text, details=Details("delay", 2, f"note of {text}")
    )
    report(runtime, ws=ws, user="U0BRUNO", emoji="rage")
    report(runtime, ws=ws, ts="2.0", user="U0ANNA")
    runtime.in_transaction(
        workspace_settings.save,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        config=IrritantConfig(retention_days=90),
        actor_id="U0ADMIN",
        now=now,
    )
    runtime.in_transaction(
        inbox.claim_event, team_id=ws.team_id, event_id="Ev0SAME", event_type="x", now=now
    )

    def install(session: Session) -> None:
        session.add(
            Installation(
                team_id=ws.team_id,
                enterprise_id=ws.enterprise_id,
                client_id="1111.2222",
                user_id="U0ADMIN",
                bot_token_encrypted="ciphertext",
                installed_at=now,
            )
        )

    runtime.in_transaction(install)

    def promise_and_profile(session: Session) -> None:
        promises_repo.add_promise(
            session,
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            channel_id=CHANNEL,
            kind=PromiseKind.response_time,
            created_by="U0ANNA",
            terms=Terms(text=f"{text}: within 4h", window_seconds=4 * 3600),
            now=now,
        )
        members_repo.remember_timezone(
            session, team_id=ws.team_id, user_id="U0ANNA", timezone="Europe/Paris", now=now
        )
        session.add(
            ClientRequest(
                team_id=ws.team_id,
                enterprise_id=ws.enterprise_id,
                promise_id=1,
                promise_version_id=1,
                channel_id=CHANNEL,
                ts=TS,
                requester="U0CLIENT",
                text=f"{text}: a request",
                created_at=now,
                last_message_at=now,
                follow_ups=0,
                nudge_at=now,
                due_at=now,
                status=RequestStatus.open,
                breached=False,
            )
        )
        digests_repo.save_digest(
            session,
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            channel_id=CHANNEL,
            weekday=0,
            at_minute=540,
            timezone="Europe/Paris",
            next_due_at=now,
            user_id="U0ANNA",
            now=now,
        )

    runtime.in_transaction(promise_and_profile)
    _journey(runtime, ws)
    runtime.in_transaction(
        membership.record_members, ws=ws, channel_id="C0SAME", user_ids=["U0ANNA"], now=now
    )
    runtime.in_transaction(home.opened, ws=ws, user_id="U0ANNA", is_admin=False, now=now)
    runtime.in_transaction(
        channel_locale.save_channel_locale,
        ws=ws,
        channel_id="C0SAME",
        locale="fr",
        time_zone="Europe/Paris",
        actor_id="U0ANNA",
        now=now,
    )
    return result.irritant_id


def _journey(runtime: Core, ws: Workspace) -> int:
    """An exercise with a moment, a card, a rating, a vote, a reminder mark, and a mute."""
    now = runtime.clock.now()
    moments, columns, vote = journey_rules.default_deadlines(now)
    given = NewExercise("Negotiating", "Claire", "Buyer", None, moments, columns, vote, 3, False)
    started = runtime.in_transaction(
        journey_usecases.start,
        ws=ws,
        channel_id=CHANNEL,
        facilitator_id="U0ANNA",
        given=given,
        locale="en",
        now=now,
    )
    assert started.exercise is not None
    exercise_id = started.exercise.id
    runtime.in_transaction(
        contribute.add_moment,
        ws=ws,
        exercise_id=exercise_id,
        author_id="U0ANNA",
        name="First call",
        touchpoint="phone",
        note=None,
        position=None,
        now=now,
    )
    runtime.in_transaction(
        journey_usecases.advance, ws=ws, exercise_id=exercise_id, actor_id="U0ANNA", now=now
    )
    [moment] = runtime.in_transaction(contribute.moment_choices, ws=ws, exercise_id=exercise_id)
    runtime.in_transaction(
        contribute.add_card,
        ws=ws,
        exercise_id=exercise_id,
        moment_id=moment.id,
        author_id="U0BRUNO",
        column="tomorrow",
        text="Answer within 24h",
        feeling=-1,
        now=now,
    )
    runtime.in_transaction(
        journey_usecases.advance, ws=ws, exercise_id=exercise_id, actor_id="U0ANNA", now=now
    )
    ballot = runtime.in_transaction(
        contribute.ballot, ws=ws, exercise_id=exercise_id, user_id="U0BRUNO"
    )
    runtime.in_transaction(
        contribute.vote,
        ws=ws,
        exercise_id=exercise_id,
        card_id=ballot.cards[0].id,
        user_id="U0BRUNO",
        expected_spent=0,
        take_back=False,
        now=now,
    )
    runtime.in_transaction(journey_usecases.mute, ws=ws, user_id="U0CHLOE", now=now)
    due = [DueExercise(exercise_id, ws.team_id, ws.enterprise_id, JourneyPhase.vote)]
    runtime.in_transaction(journeys_repo.mark_reminders, due=due, now=now)
    return exercise_id


def test_another_workspace_cannot_touch_an_exercise_by_id(
    runtime: Core, tenants: dict[str, int]
) -> None:
    exercise_id = _journey(runtime, T1)
    before = _snapshot(runtime, T1.team_id)
    now = runtime.clock.now()
    attempts: list[Callable[[], object]] = [
        lambda: runtime.in_transaction(
            journey_usecases.advance, ws=T2, exercise_id=exercise_id, actor_id="U0ANNA", now=now
        ),
        lambda: runtime.in_transaction(
            contribute.add_moment,
            ws=T2,
            exercise_id=exercise_id,
            author_id="U0ANNA",
            name="Forged",
            touchpoint="phone",
            note=None,
            position=None,
            now=now,
        ),
        lambda: runtime.in_transaction(
            journey_usecases.board, ws=T2, exercise_id=exercise_id, now=runtime.clock.now()
        ),
        lambda: runtime.in_transaction(
            contribute.ballot, ws=T2, exercise_id=exercise_id, user_id="U0BRUNO"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(JourneyError, match="This exercise no longer exists"):
            attempt()
    assert runtime.in_transaction(journey_usecases.exercise, ws=T2, exercise_id=exercise_id) is None
    assert _snapshot(runtime, T1.team_id) == before


def _snapshot(runtime: Core, team_id: str) -> Snapshot:
    """Every column of every row the workspace owns."""

    def work(session: Session) -> Snapshot:
        rows: Snapshot = []
        for model in feature_set().tenant_tables:
            table = model.__table__
            statement = select(table).where(table.c.team_id == team_id).order_by(table.c.id)
            rows.extend((model.__tablename__, *row) for row in session.execute(statement))
        return rows

    return read(runtime, work)


@pytest.fixture
def tenants(runtime: Core) -> dict[str, int]:
    return {
        "t1": _populate(runtime, T1, "secret of T1"),
        "t2": _populate(runtime, T2, "text of T2"),
    }


def _attempts(runtime: Core, irritant_id: int) -> list[Callable[[], object]]:
    now = runtime.clock.now()
    common: dict[str, Any] = {"ws": T2, "irritant_id": irritant_id, "now": now}
    return [
        lambda: runtime.in_transaction(irritants.get, ws=T2, irritant_id=irritant_id),
        lambda: runtime.in_transaction(irritants.acknowledge, actor_id="U0EVE", **common),
        lambda: runtime.in_transaction(irritants.resolve, actor_id="U0EVE", note="x", **common),
        lambda: runtime.in_transaction(irritants.reopen, actor_id="U0EVE", **common),
        lambda: runtime.in_transaction(irritants.retract, reporter_id="U0ANNA", **common),
        lambda: runtime.in_transaction(
            irritants.update_details,
            details=Details("billing", 1, "overwritten"),
            actor_id="U0EVE",
            **common,
        ),
    ]


@pytest.mark.parametrize("index", range(6))
def test_another_workspace_cannot_touch_an_irritant_by_id(
    runtime: Core, tenants: dict[str, int], index: int
) -> None:
    before = _snapshot(runtime, T1.team_id)

    with pytest.raises(IrritantError, match="This irritant no longer exists"):
        _attempts(runtime, tenants["t1"])[index]()

    assert _snapshot(runtime, T1.team_id) == before


def test_message_level_use_cases_stay_in_their_workspace(
    runtime: Core, tenants: dict[str, int]
) -> None:
    """T2 acting on the same channel and message ids only ever changes T2's irritant."""
    before = _snapshot(runtime, T1.team_id)
    now = runtime.clock.now()
    t2_message = {"ws": T2, "channel_id": CHANNEL, "message_ts": TS, "now": now}

    runtime.in_transaction(irritants.unreport, reporter_id="U0ANNA", via="irritant", **t2_message)
    runtime.in_transaction(irritants.unreport, reporter_id="U0BRUNO", via="rage", **t2_message)
    assert runtime.in_transaction(irritants.redact_message, reason="deleted", **t2_message)
    runtime.in_transaction(
        irritants.record_message,
        ws=T2,
        irritant_id=tenants["t1"],
        text="forged",
        permalink="https://evil",
        posted_at=now,
        author_id="U0EVE",
    )

    assert _snapshot(runtime, T1.team_id) == before
    t2 = read(runtime, lambda s: repo.by_id(s, team_id=T2.team_id, irritant_id=tenants["t2"]))
    assert t2 is not None
    assert t2.status == "withdrawn"
    assert t2.text_status == "redacted"


def test_lists_exports_and_lookups_show_only_the_workspace(
    runtime: Core, clock: FrozenClock, tenants: dict[str, int]
) -> None:
    t1_ids = set(
        read(runtime, lambda s: [i.id for i in repo.all_for_export(s, team_id=T1.team_id)])
    )
    assert tenants["t1"] in t1_ids
    assert len(t1_ids) == 2

    page = read(
        runtime,
        lambda s: repo.ranked_page(
            s, team_id=T2.team_id, open_only=False, category=None, offset=0, limit=50
        ),
    )
    assert page.total == 2
    assert {row.id for row, _count in page.irritants}.isdisjoint(t1_ids)
    assert all(row.team_id == T2.team_id for row, _count in page.irritants)

    document = json.loads(
        runtime.in_transaction(
            exports.export_irritants, ws=T2, fmt="json", now=clock.now(), audience=everyone()
        ).content
    )
    assert {record["id"] for record in document["irritants"]}.isdisjoint(t1_ids)
    for fmt in exports.FORMATS:
        content = runtime.in_transaction(
            exports.export_irritants, ws=T2, fmt=fmt, now=clock.now(), audience=everyone()
        )
        assert b"secret of T1" not in content.content

    ids = sorted(t1_ids)
    assert read(runtime, lambda s: repo.history(s, team_id=T2.team_id, irritant_ids=ids)) == []
    assert read(runtime, lambda s: repo.votes_for(s, team_id=T2.team_id, irritant_ids=ids)) == {
        irritant_id: [] for irritant_id in ids
    }
    assert (
        read(runtime, lambda s: repo.reporters(s, team_id=T2.team_id, irritant_id=tenants["t1"]))
        == []
    )
    assert workspace_settings.IrritantConfig().retention_days == 180
    config = read(runtime, lambda s: workspace_settings.load(s, team_id="T0000NONE"))
    assert config == IrritantConfig()  # settings of T1/T2 don't leak to a third workspace


def test_purge_removes_every_row_of_one_workspace_only(
    runtime: Core, tenants: dict[str, int]
) -> None:
    t2_before = _snapshot(runtime, T2.team_id)
    assert {row[0] for row in _snapshot(runtime, T1.team_id)} == {
        model.__tablename__ for model in feature_set().tenant_tables
    }

    counts = runtime.in_transaction(
        workspaces_repo.purge_workspace, team_id=T1.team_id, tables=runtime.features.tenant_tables
    )

    assert counts["irritants"] == 2
    assert _snapshot(runtime, T1.team_id) == []
    for model in feature_set().tenant_tables:
        statement = select(func.count()).select_from(model).where(model.team_id == T1.team_id)
        left = runtime.in_transaction(lambda s, query: s.scalar(query), statement)
        assert left == 0, model.__tablename__
    assert _snapshot(runtime, T2.team_id) == t2_before


def test_purge_can_keep_installations(runtime: Core, tenants: dict[str, int]) -> None:
    runtime.in_transaction(
        workspaces_repo.purge_workspace,
        team_id=T1.team_id,
        tables=runtime.features.tenant_tables,
        keep_installations=True,
    )

    assert {row[0] for row in _snapshot(runtime, T1.team_id)} == {"installations"}
    assert read(runtime, lambda s: s.scalar(select(func.count()).select_from(Irritant))) == 2


def test_outbox_rows_carry_their_workspace(runtime: Core, tenants: dict[str, int]) -> None:
    """A Slack call is sent with the token of the workspace whose irritant it is about."""

    def rows(session: Session) -> list[tuple[str, int]]:
        statement = select(OutboxMessage.team_id, OutboxMessage.payload).where(
            OutboxMessage.kind.not_like("journey%")  # journey rows: see the journey tests
        )
        return [
            (team, json.loads(payload)["irritant_id"])
            for team, payload in session.execute(statement)
        ]

    found = read(runtime, rows)
    assert {team for team, _id in found} == {T1.team_id, T2.team_id}
    for team, irritant_id in found:
        owner = runtime.in_transaction(lambda s, i: s.get(Irritant, i), irritant_id)
        assert owner is not None
        assert owner.team_id == team
