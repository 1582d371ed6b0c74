"""Calls made together share one load: the reads of concurrent tasks, batched per loop turn.

The outbox relay sends a group of messages concurrently, and each sender starts by reading
what it needs. One read transaction (and one worker-thread hop) per sender was most of the
relay's database cost; `Coalesced.get` instead collects the keys asked for during one turn
of the event loop and loads them with one call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalesced(Generic[K, V]):
    """`await get(key)`: the value `load` gives for it (None when absent), loaded together
    with every other key asked for before the loop's next turn."""

    def __init__(self, load: Callable[[list[K]], Awaitable[dict[K, V]]]) -> None:
        self._load = load
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}

    async def get(self, key: K) -> V | None:
        loop = asyncio.get_running_loop()
        if not self._waiting:
            # Runs after the tasks already scheduled for this turn have asked for theirs.
            loop.call_soon(self._flush)
        future: asyncio.Future[V | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(future)
        return await future

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, {}
        task = asyncio.get_running_loop().create_task(self._settle(waiting))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _settle(self, waiting: dict[K, list[asyncio.Future[V | None]]]) -> None:
        try:
            values = await self._load(list(waiting))
        except Exception as error:
            for futures in waiting.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            return
        for key, futures in waiting.items():
            for future in futures:
                if not future.done():
                    future.set_result(values.get(key))


class Batched(Generic[K]):
    """`await put(item)`: returns once `store` has written the item, in one call with every
    item put while the previous call ran (group commit; the first waits one loop turn for
    its companions).

    The relay's senders of a group each end with a small write (the fetched message of a
    new irritant, for one): one transaction and one worker-thread hop for all of them instead
    of one each. If `store` fails, every item of that call gets the error (and its outbox
    message is retried, as when it was written alone).
    """

    def __init__(self, store: Callable[[list[K]], Awaitable[None]]) -> None:
        self._store = store
        self._pending: list[tuple[K, asyncio.Future[None]]] = []
        self._draining = False

    async def put(self, item: K) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((item, future))
        if not self._draining:
            self._draining = True
            loop.call_soon(self._start)
        await future

    def _start(self) -> None:
        task = asyncio.get_running_loop().create_task(self._drain())
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await self._store([item for item, _future in batch])
                except Exception as error:
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(error)
                else:
                    for _item, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._draining = False
