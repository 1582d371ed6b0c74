"""Who is asking, in which workspace, and when: put into every request's context once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.webhook import WebhookResponse

from bot.i18n import Translator
from bot.tenancy import Workspace
from handlers.slack_services import SlackServices

log = logging.getLogger(__name__)


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


def installation_workspace(context: AsyncBoltContext, body: dict[str, Any]) -> Workspace:
    """The workspace of the installation Bolt authorized the request with.

    In single-token mode that is the token's own team (from `auth.test`); with OAuth, the
    installation Bolt found. `context.team_id` alone would be the payload's `team`, which a
    Slack Connect partner's user or a forged body decides.
    """
    result = context.authorize_result
    if context.is_enterprise_install:
        # An org-wide install has one token for every workspace of the org: `auth.test`
        # names no one workspace, so the request's own workspace (in the signed body) is
        # the tenant, within the installation's enterprise.
        enterprise_id = (result.enterprise_id if result else None) or context.enterprise_id
        return Workspace(_request_team(context, body) or "", enterprise_id)
    if result is not None and result.team_id:
        return Workspace(result.team_id, result.enterprise_id)
    return Workspace(context.team_id or "", context.enterprise_id)


def _request_team(context: AsyncBoltContext, body: dict[str, Any]) -> str | None:
    """The workspace a request comes from. An org-wide install's event authorization has
    no team, so Bolt's `context.team_id` is empty and the envelope's `team_id` says it."""
    if context.team_id:
        return context.team_id
    team = body.get("team_id")
    return team if isinstance(team, str) else None


def _addressed_to(body: dict[str, Any], workspace: Workspace) -> bool:
    """False for an event whose `authorizations` don't include our installation."""
    if body.get("type") != "event_callback":
        return True
    authorizations = body.get("authorizations")
    if not isinstance(authorizations, list) or not authorizations:
        return body.get("team_id") == workspace.team_id
    return any(
        isinstance(entry, dict)
        and (
            entry.get("team_id") == workspace.team_id
            or (
                entry.get("is_enterprise_install")
                and workspace.enterprise_id
                and entry.get("enterprise_id") == workspace.enterprise_id
            )
        )
        for entry in authorizations
    )


class _NowhereToRespond(AsyncRespond):
    """`respond` for a request that came without a response_url (a click in a modal, or a
    mangled body): Bolt's own raises, which turned a refusal into a crash. The reply has
    nowhere to go, so it is dropped with a log line."""

    def __init__(self) -> None:
        super().__init__(response_url=None)

    async def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        log.info("a reply to a request without a response_url was dropped")
        return WebhookResponse(url="", status_code=204, body="", headers={})


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
        if not context.response_url:
            context["respond"] = _NowhereToRespond()
        for key, value in self._extra.items():
            context[key] = value
        workspace = installation_workspace(context, req.body)
        if not _addressed_to(req.body, workspace):
            # An event delivered for an installation that isn't this one: never act on it
            # with our token. A quiet 200, because a non-2xx would only make Slack retry.
            log.warning("event for another installation ignored")
            return BoltResponse(status=200, body="")
        context["caller"] = Caller(
            workspace=workspace,
            user_id=context.user_id or "",
            now=self._services.core.clock.now(),
            _services=self._services,
            _client=context.client,
        )
        return await next()
