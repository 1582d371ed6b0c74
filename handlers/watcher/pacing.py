"""Slack's pace for posting: one message per second per channel.

Alerts that fall due together in one channel (a morning's backlog when the team opens) are
spaced out here instead of being refused with a 429 and retried.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
ONE_PER = 1.0  # seconds between two posts in one channel


class ChannelPacer:
    def __init__(self, interval: float = ONE_PER, now: Callable[[], float] = time.monotonic):
        self._interval = interval
        self._now = now
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    async def post(self, channel: str, send: Callable[[], Awaitable[T]]) -> T:
        """Run `send` once the channel's previous post is `interval` old."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._last.get(channel, -self._interval) + self._interval - self._now()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                return await send()
            finally:
                self._last[channel] = self._now()
