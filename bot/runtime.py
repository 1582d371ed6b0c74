"""What every use case may need, built once at start-up and handed down explicitly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.commands import CommandCatalog, default_catalog
from bot.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    catalog: CommandCatalog = field(default_factory=default_catalog)

    def in_transaction(self, work: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        """Run `work(session, *args, **kwargs)` in one transaction (commit or roll back)."""
        with self.session_factory.begin() as session:
            return work(session, *args, **kwargs)

    async def run(self, work: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        """`in_transaction` on a worker thread, so the event loop never waits on the database."""
        return await asyncio.to_thread(self.in_transaction, work, *args, **kwargs)
