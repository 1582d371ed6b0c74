"""What listeners get besides Bolt's own arguments (injected into the context as `services`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.gateway import ClientProvider
from handlers.locale import LocaleResolver

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from handlers.outbox.dispatcher import OutboxDispatcher


@dataclass
class Services:
    runtime: Runtime
    locales: LocaleResolver
    clients: ClientProvider
    dispatcher: OutboxDispatcher | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def translator(self, client: Any, team_id: str | None, user_id: str | None) -> Translator:
        return Translator(await self.locales.resolve(client, team_id, user_id))

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work after the current request has answered; errors are logged, not lost."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

    def wake_outbox(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()
