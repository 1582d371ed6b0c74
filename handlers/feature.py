"""The Slack half of a feature: its listeners, subcommand handlers and outbox senders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from slack_bolt.async_app import AsyncApp

from bot.features import Feature
from bot.outbox import OutboxKind, Payload
from bot.tenancy import Workspace

if TYPE_CHECKING:
    from handlers.commands.journey import SubcommandHandler
    from handlers.slack_services import SlackServices

PayloadT = TypeVar("PayloadT", bound=Payload)


@dataclass(frozen=True)
class Sender(Generic[PayloadT]):
    """How one outbox kind is sent: `send(workspace, payload)` with the kind's payload type."""

    kind: OutboxKind[PayloadT]
    send: Callable[[Workspace, PayloadT], Awaitable[None]]

    async def deliver(self, ws: Workspace, raw_payload: str) -> None:
        await self.send(ws, self.kind.parse(raw_payload))


@dataclass(frozen=True)
class SlackFeature:
    core: Feature
    # Attach the feature's own listeners (actions, views, shortcuts); events go through
    # the shared entry in handlers/events.py, `/journey` through `subcommands`.
    register: Callable[[AsyncApp], None] = lambda app: None
    subcommands: Mapping[str, SubcommandHandler] = field(default_factory=dict)
    senders: Callable[[SlackServices], list[Sender[Any]]] = lambda services: []
    # Per action_id (and its `-suffixed` variants): is this button value one the bot wrote?
    # The edge (handlers/envelopes.py) refuses a click whose value isn't.
    action_values: Mapping[str, Callable[[str], bool]] = field(default_factory=dict)
