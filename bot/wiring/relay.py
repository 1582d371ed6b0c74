"""The outbox relay: claim due messages with a lease, send, settle; woken after each commit.

Delivery is at-least-once across crashes (a claim whose lease ran out is sent again), so each
sender checks Slack's state where a repeat would show (a reaction already added, for one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot import outbox
from bot.core import Core
from bot.outbox import ClaimedMessage
from handlers.feature import Sender

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


class OutboxRelay:
    """Sends what use cases put in the outbox, with the sender each feature declared."""

    def __init__(self, core: Core, senders: list[Sender[Any]]) -> None:
        self._core = core
        self._senders = {sender.kind.name: sender for sender in senders}
        if len(self._senders) != len(senders):
            raise ValueError("two senders for one outbox kind")
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
            ids = await self._core.read(outbox.due_ids, now=self._core.clock.now())
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
        message = await self._core.run(
            outbox.claim, message_id=message_id, now=self._core.clock.now(), lease=LEASE
        )
        if message is None:
            return 0  # another replica has it
        sender = self._senders.get(message.kind)
        now = self._core.clock.now
        if sender is None:
            return await self._give_up(message, f"no sender for {message.kind}")
        try:
            await sender.deliver(message.workspace, message.payload)
        except ValidationError:
            return await self._give_up(message, "payload does not fit its kind")
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response else ""
            if code in PERMANENT_ERRORS:
                return await self._give_up(message, code)
            return await self._retry(message, code or "slack_error")
        except Exception as error:  # network, database: try again later
            log.warning("outbox %s %s failed: %s", message.kind, message_id, type(error).__name__)
            return await self._retry(message, type(error).__name__)
        await self._core.run(outbox.mark_sent, message_id=message_id, now=now())
        return 1

    async def _give_up(self, message: ClaimedMessage, error: str) -> int:
        """Slack (or our own code) would answer the same way every time: stop trying."""
        log.info("outbox %s %s gave up: %s", message.kind, message.id, error)
        await self._core.run(
            outbox.mark_failed, message_id=message.id, now=self._core.clock.now(), error=error
        )
        return 0

    async def _retry(self, message: ClaimedMessage, error: str) -> int:
        backoff = timedelta(seconds=min(600, 2 ** max(message.attempts, 1)))
        await self._core.run(
            outbox.mark_retry,
            message_id=message.id,
            now=self._core.clock.now(),
            error=error,
            retry_in=backoff,
        )
        return 0
