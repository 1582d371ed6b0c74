"""The journey job: phases end at their deadline, and reminders go out before it.

One run does a bounded number of statements whatever the number of exercises: one scan for
due phases, one conditional UPDATE per phase (RETURNING the rows this run moved, so two
replicas never both announce a change), one scan for reminders, one insert of their marks,
the outbox rows in one statement each, and three statements that remove what was deleted
longer ago than its undo lasts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.home import changes as home
from bot.journeys import rules
from bot.journeys.board import Phase
from bot.journeys.outbox import EXERCISE_MESSAGE, REMIND, SUMMARY, ExerciseRef, PhaseReminder
from bot.tenancy import Workspace
from storage.enums import JourneyPhase
from storage.repositories import journey_boards as board_repo
from storage.repositories import journeys as repo


def advance_due(session: Session, *, now: datetime) -> int:
    """Move every exercise whose phase deadline passed to its next phase; returns how many."""
    due = repo.due_phase_changes(session, now=now)
    rows: list[dict[str, object]] = []
    moved_count = 0
    for phase in (JourneyPhase.moments, JourneyPhase.columns, JourneyPhase.vote):
        of_phase = {d.id: d for d in due if d.phase == phase}
        target = JourneyPhase(rules.next_phase(Phase(phase.value)).value)
        moved = repo.advance_many(
            session, exercise_ids=list(of_phase), from_phase=phase, to_phase=target, now=now
        )
        for exercise_id in moved:
            d = of_phase[exercise_id]
            ws = Workspace(d.team_id, d.enterprise_id)
            rows.append(outbox.row(ws, EXERCISE_MESSAGE, ExerciseRef(exercise_id=exercise_id)))
            if target == JourneyPhase.closed:
                rows.append(outbox.row(ws, SUMMARY, ExerciseRef(exercise_id=exercise_id)))
            home.channels_changed(session, ws=ws, channel_ids=[d.channel_id], now=now)
        moved_count += len(moved)
    outbox.enqueue_rows(session, rows=rows, now=now)
    return moved_count


def remind_due(session: Session, *, now: datetime) -> int:
    """Mark and queue the reminders of phases ending within the lead time (once each)."""
    due = repo.due_reminders(session, now=now, until=now + rules.REMINDER_LEAD)
    marked = repo.mark_reminders(session, due=due, now=now)
    rows = [
        outbox.row(
            Workspace(d.team_id, d.enterprise_id),
            REMIND,
            PhaseReminder(exercise_id=d.id, phase=d.phase.value),
        )
        for d in due
        if (d.id, d.phase.value) in marked
    ]
    outbox.enqueue_rows(session, rows=rows, now=now)
    return len(rows)


def run(session: Session, now: datetime) -> dict[str, int]:
    return {
        "advanced": advance_due(session, now=now),
        "reminded": remind_due(session, now=now),
        "purged": board_repo.purge_deleted(session, before=now - rules.DELETED_KEPT),
    }


def to_remind(
    session: Session, *, ws: Workspace, exercise_id: int, phase: str, members: list[str]
) -> list[str]:
    """Of the channel's members, who gets the reminder: still in that phase, not yet
    contributed to it, not muted. Empty when the exercise moved on meanwhile."""
    row = repo.get_exercise(session, team_id=ws.team_id, exercise_id=exercise_id)
    if row is None or row.phase.value != phase:
        return []
    done = repo.contributors(
        session, team_id=ws.team_id, exercise_id=exercise_id, phase=JourneyPhase(phase)
    )
    waiting = [member for member in members if member not in done]
    muted = repo.muted_among(session, team_id=ws.team_id, user_ids=waiting)
    return [member for member in waiting if member not in muted]
