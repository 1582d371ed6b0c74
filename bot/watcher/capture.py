"""The watcher's share of the event ingest: requests, follow-ups, acknowledgements, deletions.

Each event is read by the pure rules (`rules.py`) against the channel's watch; what it means
is written in the ingest's transaction, before Slack gets its 200. An event is claimed in the
inbox before anything is written for it, so Slack's retries and concurrent duplicates count
once; events the watcher ignores cost no write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.events import Delivery, MessageEvent, ReactionEvent
from bot.tenancy import Workspace
from bot.watcher import rules, watches
from bot.watcher.rules import (
    Acknowledge,
    Decision,
    FollowUp,
    NewRequest,
    Posted,
    RequestState,
    SameRequest,
    Withdraw,
)
from bot.watcher.timing import deadlines, is_breached
from bot.watcher.watches import Watch
from storage.enums import AcknowledgedHow, RequestStatus
from storage.models import ClientRequest
from storage.repositories import requests as repo

MAX_TEXT = 4000


def state_of(request: ClientRequest | None) -> RequestState | None:
    if request is None:
        return None
    return RequestState(
        ts=request.ts,
        requester=request.requester,
        last_message_at=request.last_message_at,
        acknowledged=request.status != RequestStatus.open,
    )


class _Watches:
    """The watch of each channel a batch touches, looked up once per channel."""

    def __init__(self, session: Session, ws: Workspace, now: datetime) -> None:
        self._session, self._ws, self._now = session, ws, now
        self._found: dict[str, Watch | None] = {}

    def of(self, channel_id: str) -> Watch | None:
        if channel_id not in self._found:
            self._found[channel_id] = watches.in_force(
                self._session, team_id=self._ws.team_id, channel_id=channel_id, at=self._now
            )
        return self._found[channel_id]


def _might_matter(event: MessageEvent) -> bool:
    """A cheap first look, before any query: most events are not for the watcher."""
    if event.subtype == "message_deleted":
        return bool(event.deleted_ts)
    return (
        (event.subtype is None or event.subtype in rules.PEOPLE_SUBTYPES)
        and bool(event.user_id)
        and event.bot_id is None
    )


def on_message(
    session: Session, *, ws: Workspace, deliveries: Sequence[Delivery[MessageEvent]], now: datetime
) -> bool:
    """Messages in watched channels become requests, follow-ups or acknowledgements."""
    found = _Watches(session, ws, now)
    for delivery in deliveries:
        event = delivery.event
        if not _might_matter(event):
            continue
        watch = found.of(event.channel_id)
        if watch is None:
            continue
        decision = _read(session, ws, watch, event, now)
        if isinstance(decision, rules.Ignore):
            continue
        if not delivery.ticket.claim():
            continue  # a retry or a duplicate: already counted
        apply(
            session,
            ws=ws,
            watch=watch,
            channel_id=event.channel_id,
            decision=decision,
            text=event.text,
            now=now,
        )
    return False


def _read(
    session: Session, ws: Workspace, watch: Watch, event: MessageEvent, now: datetime
) -> Decision:
    if event.subtype == "message_deleted":
        deleted = str(event.deleted_ts)
        request = repo.by_ts(session, team_id=ws.team_id, channel_id=event.channel_id, ts=deleted)
        return rules.read_deletion(deleted_ts=deleted, request=state_of(request))
    posted = Posted(
        ts=event.ts,
        # When we received it, not its `ts`: the clock every rule reads is the injected one,
        # and a retry is a no-op, so the first delivery's moment is the one kept.
        at=now,
        user_id=event.user_id,
        subtype=event.subtype,
        thread_ts=event.thread_ts,
        bot_id=event.bot_id,
        user_team=event.user_team,
    )
    latest = thread = None
    if posted.in_thread:
        thread = repo.by_ts(
            session, team_id=ws.team_id, channel_id=event.channel_id, ts=str(event.thread_ts)
        )
    elif event.user_id:
        latest = repo.latest_of(
            session, team_id=ws.team_id, channel_id=event.channel_id, requester=event.user_id
        )
    return rules.read_message(
        posted, watch.terms, latest_of_author=state_of(latest), thread_request=state_of(thread)
    )


def apply(
    session: Session,
    *,
    ws: Workspace,
    watch: Watch,
    channel_id: str,
    decision: Decision,
    now: datetime,
    text: str | None = None,
) -> ClientRequest | None:
    """Write what a decision means; returns the request it touched, if any."""
    if isinstance(decision, NewRequest):
        times = deadlines(decision.at, watch.terms)
        repo.add(
            session,
            {
                "team_id": ws.team_id,
                "enterprise_id": ws.enterprise_id,
                "promise_id": watch.promise_id,
                "promise_version_id": watch.version_id,
                "channel_id": channel_id,
                "ts": decision.ts,
                "requester": decision.requester,
                "text": (text or "")[:MAX_TEXT] or None,
                "permalink": None,
                "created_at": decision.at,
                "last_message_at": decision.at,
                "follow_ups": 0,
                "nudge_at": times.nudge_at,
                "due_at": times.due_at,
                "next_check_at": times.nudge_at,
                "status": RequestStatus.open,
                "breached": False,
            },
        )
        return None
    if isinstance(decision, rules.Ignore):
        return None
    ts = decision.request_ts
    request = repo.by_ts(session, team_id=ws.team_id, channel_id=channel_id, ts=ts, lock=True)
    if request is None:
        return None
    if isinstance(decision, SameRequest):
        request.last_message_at = max(request.last_message_at, decision.at)
    elif isinstance(decision, FollowUp):
        request.follow_ups += 1
        request.last_message_at = max(request.last_message_at, decision.at)
    elif isinstance(decision, Acknowledge):
        if request.status != RequestStatus.open:
            return request
        request.status = RequestStatus.acknowledged
        request.acknowledged_at = decision.at
        request.acknowledged_by = decision.by
        request.acknowledged_how = AcknowledgedHow(decision.how.value)
        request.breached = is_breached(request.due_at, decision.at, now)
        request.next_check_at = None
    elif isinstance(decision, Withdraw):
        request.status = RequestStatus.withdrawn
        request.withdrawn_at = now
        request.next_check_at = None
        request.text = None
    return request


def on_reaction(
    session: Session, *, ws: Workspace, deliveries: Sequence[Delivery[ReactionEvent]], now: datetime
) -> bool:
    """An acknowledgement reaction by a team member on a request acknowledges it."""
    found = _Watches(session, ws, now)
    for delivery in deliveries:
        event = delivery.event
        if not event.added:
            continue  # the first acknowledgement stopped the clock; removing it changes nothing
        watch = found.of(event.channel_id)
        if watch is None or event.reaction not in watch.terms.ack_reactions:
            continue
        request = repo.by_ts(
            session, team_id=ws.team_id, channel_id=event.channel_id, ts=event.message_ts
        )
        decision = rules.read_reaction(
            user_id=event.user_id,
            reaction=event.reaction,
            added=True,
            at=now,
            terms=watch.terms,
            request=state_of(request),
        )
        if isinstance(decision, rules.Ignore) or not delivery.ticket.claim():
            continue
        apply(session, ws=ws, watch=watch, channel_id=event.channel_id, decision=decision, now=now)
    return False
