"""The due-work scan: nudges and escalations that fell due, sent once, in business hours.

One scheduler tick claims at most `BATCH` requests whose `next_check_at` has come, through
a partial index that holds only requests that may still fall due: its cost grows with what
is due, not with history. On PostgreSQL the rows are locked `FOR UPDATE SKIP LOCKED`, so
several replicas share the work without waiting on each other; every change is also a
conditional update on the `next_check_at` the tick read, so a second scheduler that read the
same row (SQLite has no row locks) changes nothing and sends nothing. The alert itself is
written to the outbox in the same transaction: it goes out if and only if the tick commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import outbox
from bot.tenancy import Workspace
from bot.watcher import watches
from bot.watcher.outbox import ALERT, OWNER_NOTICE, OwnerNotice, RequestAlert
from bot.watcher.timing import Action, Progress, next_step
from bot.watcher.watches import Watch
from storage.db import read_only_engine
from storage.enums import RequestStatus
from storage.models import ClientRequest
from storage.repositories import requests as repo

BATCH = 100
# A tick runs twice a second: an alert sent longer than this after it fell due was held up
# (the bot was stopped, or the scheduler stalled), and the log says so.
LATE_AFTER = timedelta(minutes=1)

log = logging.getLogger(__name__)


def scan(session: Session, now: datetime) -> dict[str, int]:
    """One tick: look at every request due for a check, send what is due, reschedule.

    Most ticks find nothing due. They find it out through a read-only session, which on
    SQLite takes no write lock, so a tick every few seconds never holds up the event ingest;
    the write transaction (`session`) only starts when something is due.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with Session(read_only_engine(engine), expire_on_commit=False) as reader, reader.begin():
        next_due = repo.next_due(reader)
    if next_due is None or next_due > now:
        return {"nudged": 0, "escalated": 0, "postponed": 0}
    counts = {"nudged": 0, "escalated": 0, "postponed": 0}
    alerts: dict[str, list[dict[str, object]]] = {}  # by channel, in the order decided
    claimed = repo.claim_due(session, now=now, limit=BATCH)
    found = watches.by_versions(session, {(r.team_id, r.promise_version_id) for r in claimed})
    for request in claimed:
        watch = found[(request.team_id, request.promise_version_id)]
        seen = request.next_check_at
        if watch is None or watch.paused:
            # The promise is gone (nothing more is owed), or paused: resuming reschedules.
            repo.reschedule(session, request_id=request.id, seen=seen, next_check_at=None)
            continue
        step = next_step(_progress(request), now, watch.terms.hours)
        # What the alert changes goes in the same conditional update as the next check (one
        # statement per request, and no ORM flush before each of the next ones).
        changes = {} if step.action is None else _marks(step.action, now)
        if not repo.reschedule(
            session, request_id=request.id, seen=seen, next_check_at=step.wake_at, **changes
        ):
            continue  # another scheduler took it
        if step.action is None:
            counts["postponed"] += 1
            continue
        alerts.setdefault(request.channel_id, []).extend(_alerts(request, watch, step.action))
        counts["nudged" if step.action is Action.nudge else "escalated"] += 1
        _say_if_late(request, step.action, now)
    # The alerts in one statement, in the tick's transaction: sent if and only if it commits.
    outbox.enqueue_rows(session, rows=_taking_turns(alerts), now=now)
    return counts


def _taking_turns(by_channel: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    """One channel's alerts after another's, round-robin: the relay sends in order, a group at
    a time, and posts in one channel are paced a second apart, so a group of alerts from
    different channels goes at once where a group from one channel would take seconds."""
    queues = [list(rows) for rows in by_channel.values()]
    ordered: list[dict[str, object]] = []
    while queues:
        for queue in queues:
            ordered.append(queue.pop(0))
            if queue and queue[0]["kind"] == OWNER_NOTICE.name:
                ordered.append(queue.pop(0))  # an escalation's DM stays with it
        queues = [queue for queue in queues if queue]
    return ordered


def _say_if_late(request: ClientRequest, action: Action, now: datetime) -> None:
    """A late alert is still sent once (its text says how long the request has waited); the
    log line records that it was late, and by how much, for whoever runs the bot."""
    fell_due = request.nudge_at if action is Action.nudge else request.due_at
    late = now - fell_due
    if late > LATE_AFTER:
        log.info(
            "request %s: %s late by %d s (fell due at %s)",
            request.id,
            action.name,
            int(late.total_seconds()),
            fell_due.isoformat(),
        )


def _progress(request: ClientRequest) -> Progress:
    return Progress(
        nudge_at=request.nudge_at,
        due_at=request.due_at,
        nudged=request.nudged_at is not None,
        escalated=request.escalated_at is not None,
        closed=request.status != RequestStatus.open,
    )


def _marks(action: Action, now: datetime) -> dict[str, object]:
    if action is Action.nudge:
        return {"nudged_at": now}
    # A nudge that fell due with the escalation is skipped: one alert, not two.
    return {"escalated_at": now, "breached": True}


def _alerts(request: ClientRequest, watch: Watch, action: Action) -> list[dict[str, object]]:
    """The outbox rows of one alert: the alert, and the owner's DM with an escalation."""
    ws = Workspace(request.team_id, request.enterprise_id)
    # Taking turns: successive requests (and a request's second alert) start with someone else.
    turn = request.id * 2 + (1 if action is Action.escalate else 0)
    kind: Literal["nudge", "escalate"] = "nudge" if action is Action.nudge else "escalate"
    rows = [outbox.row(ws, ALERT, RequestAlert(request_id=request.id, action=kind, turn=turn))]
    if action is Action.escalate:
        notice = OwnerNotice(request_id=request.id, owner=watch.owner)
        rows.append(outbox.row(ws, OWNER_NOTICE, notice))
    return rows
