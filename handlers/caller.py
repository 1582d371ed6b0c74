"""Who is asking, in which workspace, and when: put into every request's context once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.i18n import Translator
from bot.tenancy import Workspace
from handlers.slack_services import SlackServices


@dataclass
class Caller:
    """The request's workspace (from the installation Bolt resolved), user and time.

    The translator is looked up on first use, so a listener that acks first pays for the
    locale lookup (a cached `users.info`) after Slack has its answer.
    """

    workspace: Workspace
    user_id: str
    now: datetime
    _services: SlackServices
    _client: object
    _translator: Translator | None = field(default=None)

    async def translator(self) -> Translator:
        if self._translator is None:
            self._translator = await self._services.translator(
                self._client, self.workspace.team_id, self.user_id
            )
        return self._translator


class ProvideCaller(AsyncMiddleware):
    """Puts `services` and `caller` in every request's context (listeners take them by name).

    A middleware class, not a function: Bolt calls it directly instead of inspecting its
    signature on each request. The workspace is Bolt's `context.team_id`, which comes from
    the installation that received the request (`authorizations` for events), never from
    the payload's own `team`, which differs in Slack Connect channels and can be forged.
    """

    def __init__(self, services: SlackServices, extra: dict[str, object] | None = None) -> None:
        self._services = services
        self._extra = extra or {}

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        context = req.context
        context["services"] = self._services
        for key, value in self._extra.items():
            context[key] = value
        context["caller"] = Caller(
            workspace=Workspace(context.team_id or "", context.enterprise_id),
            user_id=context.user_id or "",
            now=self._services.core.clock.now(),
            _services=self._services,
            _client=context.client,
        )
        return await next()
