"""What listeners get besides Bolt's own arguments (injected into the context as `services`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.gateway import ClientProvider
from handlers.locale import LocaleResolver

if TYPE_CHECKING:
    from handlers.outbox.dispatcher import OutboxDispatcher


@dataclass
class Services:
    runtime: Runtime
    locales: LocaleResolver
    clients: ClientProvider
    dispatcher: OutboxDispatcher | None = None

    async def translator(self, client: Any, team_id: str | None, user_id: str | None) -> Translator:
        return Translator(await self.locales.resolve(client, team_id, user_id))

    def wake_outbox(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()
