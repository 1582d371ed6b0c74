"""Reads asked for in one loop turn share one load (the outbox relay's senders use it)."""

from __future__ import annotations

import asyncio

from bot.coalesce import Batched, Coalesced


def test_concurrent_gets_share_one_load_and_absent_keys_give_none() -> None:
    loads: list[list[int]] = []

    async def load(keys: list[int]) -> dict[int, str]:
        loads.append(sorted(keys))
        return {key: f"v{key}" for key in keys if key != 3}

    async def scenario() -> list[str | None]:
        values = Coalesced(load)
        first = await asyncio.gather(*(values.get(key) for key in (1, 2, 2, 3)))
        later = await values.get(4)
        return [*first, later]

    assert asyncio.run(scenario()) == ["v1", "v2", "v2", None, "v4"]
    assert loads == [[1, 2, 3], [4]]


def test_a_failed_load_fails_every_waiter_of_its_turn_only() -> None:
    calls = 0

    async def load(keys: list[int]) -> dict[int, int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database down")
        return {key: key for key in keys}

    async def scenario() -> tuple[list[object], int | None]:
        values = Coalesced(load)
        failed = await asyncio.gather(values.get(1), values.get(2), return_exceptions=True)
        return failed, await values.get(1)

    failed, recovered = asyncio.run(scenario())
    assert all(isinstance(outcome, ConnectionError) for outcome in failed)
    assert recovered == 1


def test_a_cancelled_waiter_does_not_disturb_the_others() -> None:
    async def load(keys: list[int]) -> dict[int, int]:
        await asyncio.sleep(0.01)
        return {key: key * 10 for key in keys}

    async def scenario() -> int | None:
        values = Coalesced(load)
        abandoned = asyncio.ensure_future(values.get(1))
        kept = asyncio.ensure_future(values.get(1))
        await asyncio.sleep(0)
        abandoned.cancel()
        [outcome] = await asyncio.gather(abandoned, return_exceptions=True)
        assert isinstance(outcome, asyncio.CancelledError)
        return await kept

    assert asyncio.run(scenario()) == 10


def test_puts_during_a_store_are_stored_together_next_and_none_is_lost() -> None:
    stored: list[list[int]] = []
    release = asyncio.Event()

    async def store(items: list[int]) -> None:
        stored.append(items)
        if len(stored) == 1:
            await release.wait()  # the first write is slow: others arrive meanwhile

    async def scenario() -> None:
        records = Batched(store)
        first = asyncio.ensure_future(records.put(1))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        others = [asyncio.ensure_future(records.put(n)) for n in (2, 3, 4)]
        await asyncio.sleep(0)
        assert not any(task.done() for task in [first, *others])
        release.set()
        await asyncio.gather(first, *others)
        await records.put(5)

    asyncio.run(scenario())
    assert stored == [[1], [2, 3, 4], [5]]


def test_a_failed_store_fails_the_puts_of_that_call_only() -> None:
    calls = 0

    async def store(items: list[int]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database down")

    async def scenario() -> list[object]:
        records = Batched(store)
        failed = await asyncio.gather(records.put(1), records.put(2), return_exceptions=True)
        await records.put(3)
        return list(failed)

    outcomes = asyncio.run(scenario())
    assert [str(outcome) for outcome in outcomes] == ["database down", "database down"]
    assert calls == 2
