"""Web API clients share one kept-alive aiohttp session per event loop."""

from __future__ import annotations

import asyncio

from aiohttp import ClientSession

from bot.wiring.slack_client import HttpSessions


def test_one_session_per_loop_closed_on_stop() -> None:
    sessions = HttpSessions(5.0)

    async def scenario() -> ClientSession:
        first = sessions.get()
        assert sessions.get() is first
        await sessions.close()
        assert first.closed
        reopened = sessions.get()  # used after a stop: a fresh one, not a closed one
        assert reopened is not first
        await sessions.close()
        return first

    one = asyncio.run(scenario())
    other = asyncio.run(scenario())
    assert other is not one  # a session never crosses event loops
