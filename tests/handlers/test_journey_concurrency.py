"""One person clicking several cards at once with one vote left cannot overspend.

On PostgreSQL the requests run in parallel transactions: the ballot's row lock is what makes
the second one see the first one's vote. (SQLite runs writers one at a time anyway.)
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Engine, event, func, select

from storage.models import JourneyExercise, JourneyVote
from tests.handlers.conftest import ANNA, BRUNO, Slack
from tests.handlers.journey_flow import (
    click,
    last_opened,
    opened_view_id,
    start_exercise,
    view_action,
)
from tests.handlers.test_journey_ritual import _add_card, _add_moment, _moment_ids

CARDS = 4


def _slow_ballot_reads(engine: Engine) -> Any:
    """Hold every transaction a moment after it reads a ballot: without the row lock, all
    the clicks would read the same votes spent during that moment and each add one."""

    def pause(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "journey_ballots" in statement:
            time.sleep(0.3)

    event.listen(engine, "after_cursor_execute", pause)
    return pause


def test_concurrent_clicks_with_one_vote_left_count_once(slack: Slack, db: Engine) -> None:
    exercise_id = start_exercise(slack, user=ANNA, votes=1)
    assert _add_moment(slack, exercise_id, ANNA, "First call")[1] == {}
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    [moment] = _moment_ids(slack, exercise_id)
    for n in range(CARDS):
        assert _add_card(slack, exercise_id, ANNA, moment, "tomorrow", f"Idea {n}")[1] == {}
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    with slack.runtime.session_factory() as session:
        assert session.get(JourneyExercise, exercise_id).phase == "vote"  # type: ignore[union-attr]
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=BRUNO, action_id="journey-vote", value=str(exercise_id))
    ballot = last_opened(slack, opened + 1)
    view_id = opened_view_id(slack)
    values = [
        b["accessory"]["value"]
        for b in ballot["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "journey-cast"
    ]
    assert len(values) == CARDS
    # A vote taken back: the ballot exists (creating it would already queue the clicks on
    # its unique key) and Bruno has his one vote left.
    view_action(
        slack, user=BRUNO, view=ballot, view_id=view_id, action_id="journey-cast", value=values[0]
    )
    view_action(
        slack,
        user=BRUNO,
        view=ballot,
        view_id=view_id,
        action_id="journey-take-back",
        value=values[0].replace(":0:", ":1:", 1),
    )
    with slack.runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(JourneyVote)) == 0
    pause = _slow_ballot_reads(db)
    start = threading.Barrier(CARDS)
    statuses: list[int] = []

    def vote(value: str) -> None:
        start.wait()
        statuses.append(
            view_action(
                slack,
                user=BRUNO,
                view=ballot,
                view_id=view_id,
                action_id="journey-cast",
                value=value,
            )
        )

    threads = [threading.Thread(target=vote, args=(value,)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    event.remove(db, "after_cursor_execute", pause)
    assert statuses == [200] * CARDS
    with slack.runtime.session_factory() as session:
        votes = session.scalar(select(func.count()).select_from(JourneyVote))
    assert votes == 1
