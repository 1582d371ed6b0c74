"""Reactions written in one batch end exactly as if each had been written alone."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.core import Core
from bot.events import ReactionEvent, ingest
from bot.tenancy import Workspace
from storage.models import Irritant, IrritantEvent, IrritantVote, OutboxMessage
from tests.db import empty_all_tables

WS = Workspace("T0BATCH")
USERS = ["U1", "U2", "U3"]
MESSAGES = ["1700000001.000100", "1700000002.000100"]
EMOJIS = ["rage", "irritant", "thumbsup"]  # thumbsup is no irritant emoji


def _scenario(seed: int) -> list[ReactionEvent]:
    rng = random.Random(seed)
    events: list[ReactionEvent] = []
    for index in range(rng.randint(1, 14)):
        key = rng.choice([f"Ev{seed}-{index}", *(e.key for e in events[-2:])])  # some retries
        events.append(
            ReactionEvent(
                key=key,
                kind=rng.choice(["reaction_added", "reaction_added", "reaction_removed"]),
                user_id=rng.choice(USERS),
                reaction=rng.choice(EMOJIS),
                channel_id="C1",
                message_ts=rng.choice(MESSAGES),
                item_user=rng.choice(["UCLIENT", None]),
            )
        )
    return events


def _state(core: Core) -> tuple[object, ...]:
    with core.session_factory() as session:
        irritants = sorted(
            (row.message_ts, row.status, row.message_author_id)
            for row in session.scalars(select(Irritant))
        )
        ids = {row.id: row.message_ts for row in session.scalars(select(Irritant))}
        votes = sorted(
            (ids[vote.irritant_id], vote.user_id, vote.via)
            for vote in session.scalars(select(IrritantVote))
        )
        history = Counter(
            (ids[event.irritant_id], event.kind, event.actor_id)
            for event in session.scalars(select(IrritantEvent))
        )
        jobs = Counter(row.kind for row in session.scalars(select(OutboxMessage)))
    return irritants, votes, history, jobs


@pytest.mark.parametrize("seed", range(100))
def test_a_batch_ends_as_the_same_events_one_by_one(runtime: Core, db: Engine, seed: int) -> None:
    events = _scenario(seed)
    subscribers = runtime.features.reaction_subscribers
    now = runtime.clock.now()
    for event in events:
        runtime.in_transaction(ingest, ws=WS, events=[event], subscribers=subscribers, now=now)
    one_by_one = _state(runtime)
    empty_all_tables(db)

    runtime.in_transaction(ingest, ws=WS, events=events, subscribers=subscribers, now=now)

    assert _state(runtime) == one_by_one


def test_a_new_report_moves_last_reported_at_and_a_repeated_one_does_not(
    runtime: Core, db: Engine
) -> None:
    subscribers = runtime.features.reaction_subscribers
    start = runtime.clock.now()

    def react(key: str, user: str, at: object) -> None:
        event = ReactionEvent(
            key=key,
            kind="reaction_added",
            user_id=user,
            reaction="rage",
            channel_id="C1",
            message_ts=MESSAGES[0],
            item_user="UCLIENT",
        )
        runtime.in_transaction(ingest, ws=WS, events=[event], subscribers=subscribers, now=at)

    def last_reported() -> object:
        with runtime.session_factory() as session:
            return session.scalars(select(Irritant.last_reported_at)).one()

    react("Ev1", "U1", start)
    react("Ev2", "U2", start + timedelta(hours=1))
    assert last_reported() == start + timedelta(hours=1)
    react("Ev3", "U2", start + timedelta(hours=2))  # the same vote again: not a new report
    assert last_reported() == start + timedelta(hours=1)
