"""What listeners get besides Bolt's own arguments (injected into the context as `services`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.core import Core
from bot.i18n import Translator
from bot.ingest import GroupCommit
from handlers.clients import ClientProvider
from handlers.forms import MetadataSeal
from handlers.locale import LocaleResolver

log = logging.getLogger(__name__)


@dataclass
class SlackServices:
    """The Slack side's tools: the core, per-user languages, per-workspace clients.

    `wake_outbox` is set by the wiring to the relay's wake-up, for the event ingest, whose
    batches commit outside `Core` (a use case run through `Core` wakes the relay itself once
    it commits a write to the outbox).
    """

    core: Core
    locales: LocaleResolver
    clients: ClientProvider
    seal: MetadataSeal
    ingest: GroupCommit
    wake_outbox: Callable[[], None] = lambda: None
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
