"""The outbox relay: claim due messages with a lease, send, settle; woken after each commit.

Any transaction that writes to the outbox wakes it once committed (`Core.outbox_listeners`),
from the event loop (a listener's use case) or from the scheduler's thread (a due alert), so
what is due goes at once; the poll only catches what was delayed (retries with a back-off)
or written by another replica.

Delivery is at-least-once across crashes (a claim whose lease ran out is sent again), so each
sender checks Slack's state where a repeat would show (a reaction already added, for one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot import outbox
from bot.core import Core
from bot.outbox import ClaimedMessage
from handlers.feature import Sender
from storage.repositories.outbox import MAX_ATTEMPTS

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
POLL_SECONDS = 5.0
# Messages sent concurrently, and recorded together, per group.
SEND_GROUP = 16
# Slack answers these the same way every time: retrying would only repeat the failure.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_not_in_channel",
        "message_not_found",
        "cannot_dm_bot",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
    }
)


class OutboxRelay:
    """Sends what use cases put in the outbox, with the sender each feature declared."""

    def __init__(self, core: Core, senders: list[Sender[Any]]) -> None:
        self._core = core
        self._senders = {sender.kind.name: sender for sender in senders}
        if len(self._senders) != len(senders):
            raise ValueError("two senders for one outbox kind")
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop_running: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self.poll_seconds = POLL_SECONDS

    def wake(self) -> None:
        """Called after a transaction that enqueued something commits, from any thread."""
        loop = self._loop_running
        if loop is None or loop.is_closed():
            self._wake.set()
            return
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self._wake.set()
        else:  # asyncio.Event is not thread-safe: hand the wake-up to the relay's own loop
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (shutdown)
                loop.call_soon_threadsafe(self._wake.set)

    def start(self) -> None:
        self._loop_running = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._loop(), name="outbox-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while not self._stopping:
            # Clear before draining: a wake-up that lands mid-pass triggers another pass.
            self._wake.clear()
            try:
                await self.drain()
            except Exception:
                log.exception("outbox pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def drain(self) -> int:
        """Send everything due now; returns how many were sent.

        Messages are claimed a page at a time in one transaction, sent a few at a time, and
        each group's outcomes recorded in one transaction: two database writes per group
        instead of two per message, so the relay hardly competes with the event ingest.
        A crash between a send and its group's record sends that group again once its lease
        runs out (at-least-once; senders check Slack's state where a repeat would show).
        """
        sent = 0
        while not self._stopping:
            ids = await self._core.read(outbox.due_ids, now=self._core.clock.now())
            if not ids:
                return sent
            claimed = await self._core.run(
                outbox.claim, message_ids=ids, now=self._core.clock.now(), lease=LEASE
            )
            if not claimed:
                return sent  # another replica has them
            for start in range(0, len(claimed), SEND_GROUP):
                group = claimed[start : start + SEND_GROUP]
                outcomes = await asyncio.gather(*(self._attempt(message) for message in group))
                settlement = outbox.Settlement(
                    sent=[m.id for m, error in zip(group, outcomes, strict=True) if error is None],
                    failed=[
                        (m.id, error.reason)
                        for m, error in zip(group, outcomes, strict=True)
                        if isinstance(error, _GiveUp)
                    ],
                    retry=[
                        (m.id, error.reason, _backoff(m))
                        for m, error in zip(group, outcomes, strict=True)
                        if isinstance(error, _Retry)
                    ],
                )
                await self._core.run(outbox.settle, outcome=settlement, now=self._core.clock.now())
                sent += len(settlement.sent)
        return sent

    async def _attempt(self, message: ClaimedMessage) -> _GiveUp | _Retry | None:
        """Send one message; None when sent, else what to record."""
        sender = self._senders.get(message.kind)
        if sender is None:
            return self._give_up(message, f"no sender for {message.kind}")
        try:
            await sender.deliver(message.workspace, message.payload)
        except ValidationError:
            return self._give_up(message, "payload does not fit its kind")
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response else ""
            if code in PERMANENT_ERRORS:
                return self._give_up(message, code)
            return self._retry(message, code or "slack_error")
        except Exception as error:  # network, database: try again later
            return self._retry(message, type(error).__name__)
        return None

    @staticmethod
    def _retry(message: ClaimedMessage, error: str) -> _Retry:
        """Worth another try, after a back-off; the last allowed attempt gives up instead."""
        if message.attempts >= MAX_ATTEMPTS:
            log.warning(
                "outbox %s %s gave up after %d attempts: %s",
                message.kind,
                message.id,
                message.attempts,
                error,
            )
        else:
            log.warning("outbox %s %s failed, will retry: %s", message.kind, message.id, error)
        return _Retry(error)

    @staticmethod
    def _give_up(message: ClaimedMessage, error: str) -> _GiveUp:
        """Slack (or our own code) would answer the same way every time: stop trying."""
        log.info("outbox %s %s gave up: %s", message.kind, message.id, error)
        return _GiveUp(error)


@dataclass(frozen=True)
class _GiveUp:
    reason: str


@dataclass(frozen=True)
class _Retry:
    reason: str


def _backoff(message: ClaimedMessage) -> timedelta:
    return timedelta(seconds=min(600, 2 ** max(message.attempts, 1)))
