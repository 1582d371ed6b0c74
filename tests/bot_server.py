"""journeybot's own aiohttp application, run in-process on an ephemeral port for tests.

It is the same `create_web_app` that `journeybot run` serves (signature check, Bolt, OAuth
routes, the outbox relay), only started on a thread of the test process.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import Engine, func, select

from bot.core import Core
from bot.wiring.app import BotApp, create_bolt_app
from bot.wiring.web import create_web_app
from storage.models import OutboxMessage


@dataclass
class RunningBot:
    url: str  # http://127.0.0.1:PORT
    runtime: Core
    app: BotApp
    loop: asyncio.AbstractEventLoop

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def call(self, coroutine: object) -> object:
        """Run a coroutine on the bot's loop (to poke its dispatcher, say) and wait."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]
        return future.result(timeout=30)

    def drain_outbox(self, timeout: float = 10.0) -> None:
        """Wait until every due outbox message is sent or given up.

        The bot's own relay is woken by each commit and may be mid-send; this also drains
        from the bot's loop and then waits for the table to settle.
        """
        assert self.app.relay is not None
        deadline = time.monotonic() + timeout
        while True:
            self.call(self.app.relay.drain())
            with self.runtime.session_factory() as session:
                pending = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
                    .where(OutboxMessage.due_at <= self.runtime.clock.now())
                )
            if not pending:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{pending} outbox message(s) still pending")
            time.sleep(0.02)


@contextmanager
def running_bot(runtime: Core, engine: Engine) -> Iterator[RunningBot]:
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, object] = {}

    async def start() -> None:
        bot_app = create_bolt_app(runtime)
        web_app = create_web_app(bot_app, runtime, engine, serve_slack=True)
        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        holder.update(runner=runner, app=bot_app, url=f"http://127.0.0.1:{port}")

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as error:  # surface start-up failures to the test
            holder["error"] = error
            started.set()
            return
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="journeybot-under-test", daemon=True)
    thread.start()
    started.wait(30)
    if "error" in holder:
        raise RuntimeError("journeybot failed to start") from holder["error"]  # type: ignore[misc]
    try:
        yield RunningBot(str(holder["url"]), runtime, holder["app"], loop)  # type: ignore[arg-type]
    finally:
        runner: web.AppRunner = holder["runner"]  # type: ignore[assignment]
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
