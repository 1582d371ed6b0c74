"""The outbox: Slack calls a use case decides on, written in its transaction, sent after commit.

Any feature adds its kinds: `CONFIRM = OutboxKind("confirm_report", ReportConfirmation)`.
The payload is a pydantic model, so what a use case writes and what a sender reads are
checked against the same type (and a row written by an older version that no longer fits
fails loudly, once, instead of sending something wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from bot.tenancy import Workspace
from storage.repositories import outbox as repo

# Set in a session's `info` by anything that writes to the outbox: once that transaction
# commits, `Core` wakes the relay (see `Core.in_transaction`), so the message goes at once
# instead of at the relay's next poll, whoever wrote it (a listener, a scheduled job).
WROTE_OUTBOX = "journeybot.wrote_outbox"


def wrote_outbox(session: Session) -> bool:
    return bool(session.info.get(WROTE_OUTBOX))


class Payload(BaseModel):
    """Base of every outbox payload: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


PayloadT = TypeVar("PayloadT", bound=Payload)


@dataclass(frozen=True)
class OutboxKind(Generic[PayloadT]):
    """One kind of Slack call, its stored name and the type of its payload."""

    name: str
    payload: type[PayloadT]

    def parse(self, raw: str) -> PayloadT:
        return self.payload.model_validate_json(raw)


def enqueue(
    session: Session,
    *,
    ws: Workspace,
    kind: OutboxKind[PayloadT],
    payload: PayloadT,
    now: datetime,
    delay: timedelta = timedelta(0),
) -> None:
    if not isinstance(payload, kind.payload):
        raise TypeError(f"{kind.name} takes {kind.payload.__name__}, not {type(payload).__name__}")
    session.info[WROTE_OUTBOX] = True
    repo.enqueue(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        kind=kind.name,
        payload=payload.model_dump(mode="json"),
        now=now,
        delay=delay,
    )


def row(ws: Workspace, kind: OutboxKind[PayloadT], payload: PayloadT) -> dict[str, object]:
    """One message for `enqueue_rows`, checked against its kind like `enqueue`."""
    if not isinstance(payload, kind.payload):
        raise TypeError(f"{kind.name} takes {kind.payload.__name__}, not {type(payload).__name__}")
    return {
        "team_id": ws.team_id,
        "enterprise_id": ws.enterprise_id,
        "kind": kind.name,
        "payload": payload.model_dump(mode="json"),
    }


def enqueue_rows(session: Session, *, rows: list[dict[str, object]], now: datetime) -> None:
    """`enqueue` for many messages (built with `row`) in one statement, all due now."""
    if rows:
        session.info[WROTE_OUTBOX] = True
    repo.enqueue_many(session, rows=rows, now=now)


@dataclass(frozen=True)
class ClaimedMessage:
    """An outbox row the relay holds a lease on."""

    id: int
    kind: str
    workspace: Workspace
    payload: str  # JSON, parsed by the kind's payload type
    attempts: int


def due_ids(session: Session, *, now: datetime) -> list[int]:
    return repo.due_ids(session, now=now)


def claim(
    session: Session, *, message_ids: list[int], now: datetime, lease: timedelta
) -> list[ClaimedMessage]:
    """Lease the messages no other relay holds (one statement: safe across replicas)."""
    rows = repo.claim_many(session, message_ids=message_ids, now=now, lease=lease)
    return [
        ClaimedMessage(
            id=row.id,
            kind=row.kind,
            workspace=Workspace(row.team_id, row.enterprise_id),
            payload=row.payload,
            attempts=row.attempts,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Settlement:
    """What became of claimed messages once the relay tried them."""

    sent: list[int]
    failed: list[tuple[int, str]]  # gave up: (id, error)
    retry: list[tuple[int, str, timedelta]]  # try again: (id, error, after)


def settle(session: Session, *, outcome: Settlement, now: datetime) -> None:
    """Record a group of attempts in one transaction."""
    repo.mark_all_sent(session, message_ids=outcome.sent, now=now)
    for message_id, error in outcome.failed:
        repo.mark_failed(session, message_id=message_id, now=now, error=error)
    for message_id, error, retry_in in outcome.retry:
        repo.mark_retry(session, message_id=message_id, now=now, error=error, retry_in=retry_in)
