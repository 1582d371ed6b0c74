"""APScheduler wiring: named jobs, each in its own transaction, logged and timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session

from bot.retention import apply_retention
from bot.runtime import Runtime
from storage.repositories.installations import purge_expired_states

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    every: timedelta
    work: Callable[[Session, Runtime], object]


def _purge_oauth_states(session: Session, runtime: Runtime) -> int:
    return purge_expired_states(session, now=runtime.clock.now())


def _retention(session: Session, runtime: Runtime) -> dict[str, int]:
    return apply_retention(session, now=runtime.clock.now())


JOBS: list[Job] = [
    Job("purge-oauth-states", timedelta(hours=1), _purge_oauth_states),
    Job("irritant-retention", timedelta(hours=6), _retention),
]


def run_job(runtime: Runtime, job: Job) -> object:
    """One run of a job: its own transaction; errors are logged, never kill the scheduler."""
    started = time.perf_counter()
    try:
        with runtime.session_factory.begin() as session:
            result = job.work(session, runtime)
    except Exception:
        log.exception("job %s failed", job.id)
        return None
    log.info("job %s done in %.3fs: %s", job.id, time.perf_counter() - started, result)
    return result


def build_scheduler(runtime: Runtime, jobs: list[Job] | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in jobs if jobs is not None else JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.every.total_seconds(),
            args=(runtime, job),
            id=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            # Late runs still run (once) instead of being silently skipped.
            misfire_grace_time=int(job.every.total_seconds()),
        )
    return scheduler
