"""A bare Bolt app on the same stack as journeybot (AsyncApp on aiohttp): the baseline.

It answers `/journey` with a fixed ephemeral text and acknowledges message and reaction
events, nothing
more: no database, no locale lookup, no middleware of ours.
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

HELP = "`/journey help` — Show every subcommand with what it does."


async def main() -> None:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    @app.command("/journey")
    async def journey(ack: AsyncAck) -> None:
        await ack(text=HELP, response_type="ephemeral")

    @app.event("message")
    async def message(body: dict[str, Any]) -> None:
        return None

    @app.event("reaction_added")
    async def reaction(body: dict[str, Any]) -> None:
        return None

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", healthz)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["PORT"])).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
