"""Durable event ingest with group commit, and a bound on how long an answer may wait.

Slack wants an answer within 3 seconds and disables apps that fail too many deliveries; we
want a 200 to mean "stored". One transaction per event is what made ingest slow: on SQLite
every commit is a write-lock round and an fsync. So events that arrive while a batch is
being written wait for the next batch, and each batch is one transaction: at low load a
batch is one event (no added latency), under load it is every event that arrived meanwhile.

Each event is answered once its batch has committed. If that takes longer than the bound
(`EVENT_WRITE_TIMEOUT`, 1 s by default; a stalled database), the waiting listener gives up
with `IngestTimeout` and Slack gets a 503 and retries; the batch may still commit later,
and the inbox claim then makes the retry a no-op. Nothing is acknowledged before it is
committed, and nothing is counted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core import Core
from bot.events import Subscriber, ingest
from bot.tenancy import Workspace
from storage.db import dropped_connection

log = logging.getLogger(__name__)

MAX_BATCH = 200


class IngestTimeout(Exception):
    """The event could not be stored within the bound: answer non-2xx so Slack retries."""


@dataclass
class _Pending:
    ws: Workspace
    event: Any
    subscribers: Sequence[Subscriber[Any]]
    now: datetime
    done: asyncio.Future[bool] = field(repr=False)


class GroupCommit:
    """Writes events in batches, one transaction a batch, on one worker task."""

    def __init__(self, core: Core, *, timeout: float) -> None:
        self._core = core
        self._timeout = timeout
        self._pending: list[_Pending] = []
        self._ready: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        self._stopping = False

    async def submit(
        self, *, ws: Workspace, event: Any, subscribers: Sequence[Subscriber[Any]], now: datetime
    ) -> bool:
        """Store the event's effects; True if a subscriber enqueued Slack work."""
        loop = asyncio.get_running_loop()
        if self._worker is None or self._worker.done():
            self._ready = asyncio.Event()
            self._worker = loop.create_task(self._run(), name="event-group-commit")
        assert self._ready is not None
        done: asyncio.Future[bool] = loop.create_future()
        # A waiter that timed out no longer reads the outcome; reading it here keeps asyncio
        # from reporting an exception nobody retrieved.
        done.add_done_callback(lambda future: future.cancelled() or future.exception())
        self._pending.append(_Pending(ws, event, subscribers, now, done))
        self._ready.set()
        try:
            # shield: a timeout abandons the wait, not the write (it commits with its batch).
            return await asyncio.wait_for(asyncio.shield(done), self._timeout)
        except TimeoutError:
            raise IngestTimeout(f"event not stored within {self._timeout:g} s") from None

    async def stop(self) -> None:
        """Finish the batches already queued, then stop."""
        self._stopping = True
        if self._ready is not None:
            self._ready.set()
        if self._worker is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    async def _run(self) -> None:
        assert self._ready is not None
        while True:
            await self._ready.wait()
            self._ready.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                await self._write(batch)
            if self._stopping:
                return

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            outcomes = await asyncio.to_thread(self._write_batch, batch)
        except Exception as error:  # the database is down: every waiter gets the error
            log.warning("event batch of %d failed: %s", len(batch), type(error).__name__)
            outcomes = [error] * len(batch)
        for item, outcome in zip(batch, outcomes, strict=True):
            if item.done.done():
                continue
            if isinstance(outcome, BaseException):
                item.done.set_exception(outcome)
            else:
                item.done.set_result(outcome)

    def _write_batch(self, batch: list[_Pending]) -> list[bool | BaseException]:
        """All events in one transaction; if that fails, each is retried on its own.

        A connection the database dropped (restart, failover) fails the batch before
        anything is stored: it is written again at once on a fresh connection. Even a drop
        at COMMIT, which may have committed, is safe to write again: the inbox claims make
        events already stored no-ops.
        """
        try:
            return self._write_together(batch)
        except Exception as error:
            if dropped_connection(error):
                try:
                    return self._write_together(batch)
                except Exception:
                    if len(batch) == 1:
                        raise
            elif len(batch) == 1:
                raise
        outcomes: list[bool | BaseException] = []
        for item in batch:
            try:
                with self._core.session_factory.begin() as session:
                    outcomes.append(self._apply(session, [item]))
            except Exception as error:
                outcomes.append(error)
        return outcomes

    def _write_together(self, batch: list[_Pending]) -> list[bool | BaseException]:
        with self._core.session_factory.begin() as session:
            outcomes: list[bool | BaseException] = []
            for run in _runs(batch):
                enqueued = self._apply(session, run)
                outcomes.extend([enqueued] * len(run))
            return outcomes

    @staticmethod
    def _apply(session: Session, run: list[_Pending]) -> bool:
        """One run of events of one workspace, type and subscriber list, in order."""
        first = run[0]
        return ingest(
            session,
            ws=first.ws,
            events=[item.event for item in run],
            subscribers=first.subscribers,
            now=first.now,
        )


def _runs(batch: list[_Pending]) -> list[list[_Pending]]:
    """Consecutive events that can be handed to the subscribers together."""
    runs: list[list[_Pending]] = []
    for item in batch:
        last = runs[-1][0] if runs else None
        if (
            last is not None
            and last.ws == item.ws
            and type(last.event) is type(item.event)
            and last.subscribers is item.subscribers
        ):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
