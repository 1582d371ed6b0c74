"""APScheduler wiring: the features' named jobs, each in its own transaction, logged and timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from bot.core import Core
    from bot.scheduler_lock import SchedulerLock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A feature's periodic work: `work(session, now)` in one transaction every `every`."""

    id: str
    every: timedelta
    work: Callable[[Session, datetime], object]


def run_job(core: Core, job: Job) -> object:
    """One run of a job: its own transaction; errors are logged, never kill the scheduler."""
    started = time.perf_counter()
    try:
        # `in_transaction` retries once on a connection the database dropped, and wakes the
        # outbox relay after a run that enqueued Slack calls, so a due alert goes out right
        # after the tick that decided it, not at the relay's poll.
        result = core.in_transaction(job.work, core.clock.now())
    except Exception:
        log.exception("job %s failed", job.id)
        return None
    # A job that runs every second and finds nothing to do is not news.
    level = logging.INFO if _did_something(result) else logging.DEBUG
    log.log(level, "job %s done in %.3fs: %s", job.id, time.perf_counter() - started, result)
    return result


def _did_something(result: object) -> bool:
    if isinstance(result, dict):
        return any(result.values())
    return bool(result)


def run_job_if_held(core: Core, job: Job, lock: SchedulerLock) -> object:
    """`run_job`, only while this process holds the SQLite file's scheduler lock."""
    if not lock.held():
        return None
    return run_job(core, job)


def build_scheduler(
    core: Core, jobs: Iterable[Job] | None = None, lock: SchedulerLock | None = None
) -> BackgroundScheduler:
    """The jobs, each on its interval; with a `lock` (SQLite), only while it is held."""
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in jobs if jobs is not None else core.features.jobs:
        scheduler.add_job(
            run_job if lock is None else run_job_if_held,
            "interval",
            seconds=job.every.total_seconds(),
            args=(core, job) if lock is None else (core, job, lock),
            id=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            # Late runs still run (once) instead of being silently skipped.
            misfire_grace_time=max(1, int(job.every.total_seconds())),
        )
    return scheduler
