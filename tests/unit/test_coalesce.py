"""Reads asked for in one loop turn share one load (the outbox relay's senders use it)."""

from __future__ import annotations

import asyncio

import pytest

from bot.coalesce import Coalesced


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
        with pytest.raises(asyncio.CancelledError):
            await abandoned
        return await kept

    assert asyncio.run(scenario()) == 10
