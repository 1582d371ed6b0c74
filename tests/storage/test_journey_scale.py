"""500 exercises in 200 channels: `/journey list` and the phase job do a bounded number of
queries, whatever the number of rows (counted, not timed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event, func, insert, select

from bot.core import Core
from bot.journeys import schedule, usecases
from bot.tenancy import Workspace
from storage.models import JourneyCard, JourneyExercise, JourneyMoment, OutboxMessage

WS = Workspace("T0SCALE")
CHANNELS = 200
EXERCISES = 500


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _populate(runtime: Core) -> None:
    now = runtime.clock.now()
    with runtime.session_factory.begin() as session:
        rows = [
            {
                "team_id": WS.team_id,
                "channel_id": f"C{n % CHANNELS:05d}",
                "number": n // CHANNELS + 1,
                "task": f"Task {n}",
                "persona_name": "Client",
                "persona_line": "Needs it done",
                "facilitator_id": "U0ANNA",
                # Half are due to leave their phase, half are reminded soon.
                "phase": ("moments", "columns", "vote")[n % 3],
                "moments_deadline": now + timedelta(hours=-1 if n % 2 else 6),
                "columns_deadline": now + timedelta(hours=-1 if n % 2 else 6),
                "vote_deadline": now + timedelta(hours=-1 if n % 2 else 6),
                "phase_changed_at": now,
                "votes_per_member": 3,
                "anonymous": False,
                "locale": "en",
                "created_at": now,
            }
            for n in range(EXERCISES)
        ]
        session.execute(insert(JourneyExercise), rows)
        ids = session.scalars(select(JourneyExercise.id)).all()
        session.execute(
            insert(JourneyMoment),
            [
                {
                    "team_id": WS.team_id,
                    "exercise_id": i,
                    "position": 1,
                    "name": "Call",
                    "touchpoint": "phone",
                    "author_id": "U0ANNA",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        moments = session.execute(select(JourneyMoment.id, JourneyMoment.exercise_id)).all()
        session.execute(
            insert(JourneyCard),
            [
                {
                    "team_id": WS.team_id,
                    "exercise_id": exercise_id,
                    "moment_id": moment_id,
                    "column": "today",
                    "text": "x",
                    "author_id": "U0BRUNO",
                    "created_at": now,
                }
                for moment_id, exercise_id in moments
            ],
        )


def test_list_and_phase_job_do_a_bounded_number_of_queries(runtime: Core, db: Engine) -> None:
    _populate(runtime)
    busiest = "C00000"  # channels 0…99 hold three exercises, the rest two
    with counted(db) as statements:
        listed = runtime.in_transaction(usecases.channel_list, ws=WS, channel_id=busiest)
    assert len(listed) == 3
    assert all(view.moments == 1 and view.cards == 1 for view in listed)
    assert len(statements) <= 5  # the exercises, then one grouped count per table

    with counted(db) as statements:
        result = runtime.in_transaction(schedule.run, runtime.clock.now())
    assert result == {"advanced": EXERCISES // 2, "reminded": EXERCISES // 2, "purged": 0}
    # The job's 12, and one lookup of the home viewers of every channel that moved (all
    # workspaces at once, at commit): bounded whatever the number of exercises.
    assert len(statements) <= 13
    with runtime.session_factory() as session:
        queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    # One message update per moved exercise, one reminder per exercise due soon.
    assert queued == EXERCISES // 2 + EXERCISES // 2
