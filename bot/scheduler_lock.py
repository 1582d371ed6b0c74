"""One process per SQLite file runs the scheduled jobs; the others stand by.

On PostgreSQL every replica ticks: due rows are claimed `FOR UPDATE SKIP LOCKED`. SQLite has
no row locks: the jobs' conditional updates already keep a second scheduler from sending
anything twice, but two processes ticking the same file would still fight over its single
write lock for nothing. So on SQLite a process runs the jobs only while it holds an exclusive
`flock` on `<database>.scheduler.lock`. The kernel drops the lock when its holder exits,
however it exits (SIGKILL included), so a standing-by process takes over at its next tick.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class SchedulerLock:
    """The right to run the scheduled jobs on one SQLite file, tried at each tick."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".scheduler.lock")
        self._fd: int | None = None
        self._told_standing_by = False
        self._trying = threading.Lock()  # the scheduler's jobs run on several threads

    def held(self) -> bool:
        """Whether this process runs the jobs now; takes the lock if its holder is gone."""
        with self._trying:
            return self._hold()

    def _hold(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if not self._told_standing_by:
                self._told_standing_by = True
                log.warning(
                    "scheduler not started: another journeybot process holds %s and runs the "
                    "scheduled jobs on this SQLite database; this one serves Slack's requests "
                    "and takes over if that one stops",
                    self.path,
                )
            return False
        self._fd = fd
        if self._told_standing_by:
            log.warning("scheduler started: the process that held %s stopped", self.path)
        return True

    def release(self) -> None:
        with self._trying:
            self._let_go()

    def _let_go(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
