"""Events from Slack as plain values, and the one ingest that hands each to every feature.

Bolt runs only the first listener that matches an event type, so `handlers/events.py` has
one listener per type; it parses the event into the values below and calls `ingest`, which
runs every subscribed feature in one transaction. The event is claimed in the inbox at most
once, by the first subscriber that means to write (`EventTicket.claim`): a reaction no
feature cares about costs no write, and a retried delivery is a no-op for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.tenancy import Workspace
from storage.repositories import inbox


@dataclass(frozen=True)
class ReactionEvent:
    """`reaction_added` / `reaction_removed` on a message."""

    key: str  # Slack's event_id, or a stable fallback when Slack sent none
    kind: str  # "reaction_added" | "reaction_removed"
    user_id: str
    reaction: str  # skin tones folded: `rage::skin-tone-2` is `rage`
    channel_id: str
    message_ts: str
    item_user: str | None

    @property
    def added(self) -> bool:
        return self.kind == "reaction_added"


@dataclass(frozen=True)
class MessageEvent:
    """A `message` event: a new message, or a change (`subtype`) to one."""

    key: str
    kind: str  # always "message"
    subtype: str | None
    channel_id: str
    ts: str
    user_id: str | None
    thread_ts: str | None
    deleted_ts: str | None  # for subtype message_deleted
    text: str | None = None
    bot_id: str | None = None  # set on messages posted by an app
    user_team: str | None = None  # the author's workspace; another one in Slack Connect


class Event(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def kind(self) -> str: ...


E = TypeVar("E", bound=Event)
E_contra = TypeVar("E_contra", bound=Event, contravariant=True)
E_co = TypeVar("E_co", covariant=True)


class EventTicket:
    """The right to write an event's effects: claimed in the inbox once, on first use."""

    def __init__(self, session: Session, ws: Workspace, key: str, kind: str, now: datetime):
        self._session = session
        self._ws = ws
        self.key = key
        self.kind = kind
        self._now = now
        self._claimed: bool | None = None

    def claim(self) -> bool:
        """True if this delivery is the first of its event; the same answer every call."""
        if self._claimed is None:
            self._claimed = inbox.claim_event(
                self._session,
                team_id=self._ws.team_id,
                event_id=self.key,
                event_type=self.kind,
                now=self._now,
            )
        return self._claimed

    def settle(self, claimed: bool) -> None:
        self._claimed = claimed

    @property
    def settled(self) -> bool:
        return self._claimed is not None


def claim_all(
    session: Session, ws: Workspace, tickets: Sequence[EventTicket], now: datetime
) -> None:
    """Claim many tickets in one statement (each ticket then answers `claim()` from memory).

    Two tickets for one event in the same batch (a retry racing its original): the first
    gets the claim, the second does not.
    """
    pending = [ticket for ticket in tickets if not ticket.settled]
    won = inbox.claim_events(
        session,
        team_id=ws.team_id,
        events=list(dict.fromkeys((ticket.key, ticket.kind) for ticket in pending)),
        now=now,
    )
    for ticket in pending:
        ticket.settle(ticket.key in won)
        won.discard(ticket.key)


@dataclass(frozen=True)
class Delivery(Generic[E_co]):
    """One delivery of an event, with its ticket."""

    event: E_co
    ticket: EventTicket


class Subscriber(Protocol[E_contra]):
    """A feature's share of a batch of events (in order, all of one workspace and type).

    It writes what the events mean in the caller's transaction, claiming each delivery's
    ticket before writing for it, and returns True when it enqueued Slack work.
    """

    def __call__(
        self,
        session: Session,
        *,
        ws: Workspace,
        deliveries: Sequence[Delivery[E_contra]],
        now: datetime,
    ) -> bool: ...


ReactionSubscriber = Subscriber[ReactionEvent]
MessageSubscriber = Subscriber[MessageEvent]


def ingest(
    session: Session,
    *,
    ws: Workspace,
    events: Sequence[E],
    subscribers: Sequence[Subscriber[E]],
    now: datetime,
) -> bool:
    """Hand events to every subscriber in one transaction; True if any enqueued work."""
    deliveries = [
        Delivery(event, EventTicket(session, ws, event.key, event.kind, now)) for event in events
    ]
    enqueued = False
    for subscriber in subscribers:
        enqueued = subscriber(session, ws=ws, deliveries=deliveries, now=now) or enqueued
    return enqueued
