"""`journeybot run`: HTTP or Socket Mode, the scheduler, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web

from bot.scheduler import build_scheduler
from bot.scheduler_lock import SchedulerLock
from bot.settings import CoreSettings, Settings
from bot.wiring.app import create_bolt_app, make_core
from bot.wiring.observe import MeasuredSocketModeHandler
from bot.wiring.web import create_web_app
from storage.db import make_engine, make_session_factory
from storage.migrate import is_up_to_date, upgrade

log = logging.getLogger(__name__)

# How long in-flight requests get to finish after SIGTERM.
SHUTDOWN_GRACE_SECONDS = 10.0


class NotMigratedError(Exception):
    pass


async def serve(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    if settings.is_sqlite:
        upgrade(engine)  # a first run on the embedded default just works
    elif not is_up_to_date(engine):
        raise NotMigratedError(
            "the database is not migrated to this version: run `journeybot migrate` first"
        )
    core = make_core(settings, make_session_factory(engine))
    bolt_app = create_bolt_app(core)
    socket_handler: MeasuredSocketModeHandler | None = None
    web_app = create_web_app(bolt_app, core, engine, serve_slack=not settings.socket_mode)
    runner = web.AppRunner(web_app, shutdown_timeout=SHUTDOWN_GRACE_SECONDS, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    if settings.socket_mode:
        assert settings.slack_app_token is not None
        socket_handler = MeasuredSocketModeHandler(
            bolt_app.bolt, settings.slack_app_token.get_secret_value(), edge=bolt_app.edge
        )
        await socket_handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("journeybot connected in Socket Mode (health on port %s)", settings.port)
    else:
        log.info("journeybot listening on %s:%s (HTTP mode)", settings.host, settings.port)
    # One scheduler per SQLite file (see bot/scheduler_lock.py); an in-memory database is
    # this process's own.
    database_file = settings.sqlite_path()
    lock = SchedulerLock(database_file) if database_file is not None else None
    if lock is not None and lock.held():
        log.info("scheduler started: this process holds %s", lock.path)
    scheduler = build_scheduler(core, lock=lock)
    scheduler.start()
    # What start-up built (modules, catalogs, ORM metadata, the app) lives as long as the
    # process: moved out of the collector's generations, a full collection no longer walks
    # those ~150,000 objects and stalls every request in flight while it does.
    gc.collect()
    gc.freeze()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()

    log.info("stopping: finishing in-flight work")
    if socket_handler is not None:
        await socket_handler.close_async()  # type: ignore[no-untyped-call]
    await runner.cleanup()  # stops accepting, waits for running handlers
    scheduler.shutdown(wait=True)
    if lock is not None:
        lock.release()
    engine.dispose()
    log.info("stopped")


def migrate(settings: CoreSettings) -> None:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
