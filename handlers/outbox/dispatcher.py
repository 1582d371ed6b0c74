"""The outbox relay: claim due messages with a lease, send, settle; woken after each commit.

Delivery is at-least-once across crashes (a claim whose lease ran out is sent again), so each
sender checks Slack's state where a repeat would show (a reaction already added, for one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.irritants import Workspace
from bot.runtime import Runtime
from storage.models import OutboxMessage
from storage.repositories import outbox as repo

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
POLL_SECONDS = 5.0
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

Sender = Callable[[Workspace, dict[str, Any]], Awaitable[None]]


class OutboxDispatcher:
    def __init__(self, runtime: Runtime, senders: dict[str, Sender]) -> None:
        self._runtime = runtime
        self._senders = senders
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Called after a transaction that enqueued something commits."""
        self._wake.set()

    def start(self) -> None:
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
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def drain(self) -> int:
        """Send everything due now; returns how many were sent."""
        sent = 0
        while True:
            ids = await self._runtime.run(repo.due_ids, now=self._runtime.clock.now())
            if not ids:
                return sent
            progressed = False
            for message_id in ids:
                if self._stopping:
                    return sent
                outcome = await self._deliver(message_id)
                sent += outcome
                progressed = progressed or outcome > 0
            if not progressed:
                return sent

    async def _deliver(self, message_id: int) -> int:
        message: OutboxMessage | None = await self._runtime.run(
            repo.claim, message_id=message_id, now=self._runtime.clock.now(), lease=LEASE
        )
        if message is None:
            return 0  # another replica has it
        sender = self._senders.get(message.kind)
        now = self._runtime.clock.now
        if sender is None:
            await self._runtime.run(
                repo.mark_failed,
                message_id=message_id,
                now=now(),
                error=f"no sender for {message.kind}",
            )
            return 0
        workspace = Workspace(message.team_id, message.enterprise_id)
        try:
            await sender(workspace, json.loads(message.payload))
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response else ""
            if code in PERMANENT_ERRORS:
                log.info("outbox %s %s gave up: %s", message.kind, message_id, code)
                await self._runtime.run(
                    repo.mark_failed, message_id=message_id, now=now(), error=code
                )
                return 0
            return await self._retry(message, code or "slack_error")
        except Exception as error:  # network, database: try again later
            log.warning("outbox %s %s failed: %s", message.kind, message_id, type(error).__name__)
            return await self._retry(message, type(error).__name__)
        await self._runtime.run(repo.mark_sent, message_id=message_id, now=now())
        return 1

    async def _retry(self, message: OutboxMessage, error: str) -> int:
        backoff = timedelta(seconds=min(600, 2 ** max(message.attempts, 1)))
        await self._runtime.run(
            repo.mark_retry,
            message_id=message.id,
            now=self._runtime.clock.now(),
            error=error,
            retry_in=backoff,
        )
        return 0
