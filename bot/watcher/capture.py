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

from bot.events import Delivery, MessageEvent, ReactionEvent, claim_all
from bot.home import changes as home
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


class _Latest:
    """Each requester's latest request in a channel: read for the whole batch in one query per
    channel, then kept current as the batch's decisions are written (a batch may hold the
    same client's second message)."""

    def __init__(self, session: Session, ws: Workspace) -> None:
        self._session, self._ws = session, ws
        self._rows: dict[tuple[str, str], ClientRequest | None] = {}
        self._new: dict[tuple[str, str], str] = {}  # written this batch: its ts

    def prefetch(self, channel_id: str, requesters: list[str]) -> None:
        wanted = [r for r in dict.fromkeys(requesters) if (channel_id, r) not in self._rows]
        found = repo.latest_of_many(
            self._session, team_id=self._ws.team_id, channel_id=channel_id, requesters=wanted
        )
        for requester in wanted:
            self._rows[(channel_id, requester)] = found.get(requester)

    def get(self, channel_id: str, requester: str) -> ClientRequest | None:
        key = (channel_id, requester)
        if key in self._new:
            self._rows[key] = repo.by_ts(
                self._session,
                team_id=self._ws.team_id,
                channel_id=channel_id,
                ts=self._new.pop(key),
            )
        if key not in self._rows:
            self.prefetch(channel_id, [requester])
        return self._rows[key]

    def created(self, channel_id: str, requester: str, ts: str) -> None:
        self._new[(channel_id, requester)] = ts


def on_message(
    session: Session, *, ws: Workspace, deliveries: Sequence[Delivery[MessageEvent]], now: datetime
) -> bool:
    """Messages in watched channels become requests, follow-ups or acknowledgements.

    A batch is read with few statements: the watch once per channel, the clients' latest
    requests once per channel, and the top-level client messages claimed in one statement.
    """
    found = _Watches(session, ws, now)
    ours: list[tuple[Delivery[MessageEvent], Watch]] = []
    for delivery in deliveries:
        event = delivery.event
        if not _might_matter(event):
            continue
        watch = found.of(event.channel_id)
        if watch is None:
            continue
        top_level = event.subtype != "message_deleted" and event.thread_ts in (None, event.ts)
        if top_level and watch.terms.is_team(str(event.user_id), event.user_team):
            continue  # the team's own message: nothing to read or write
        ours.append((delivery, watch))
    if not ours:
        return False
    clients = [d for d, _watch in ours if _is_client_message(d.event)]
    claim_all(session, ws, [d.ticket for d in clients], now)
    latest = _Latest(session, ws)
    for channel_id in dict.fromkeys(d.event.channel_id for d in clients):
        latest.prefetch(
            channel_id, [str(d.event.user_id) for d in clients if d.event.channel_id == channel_id]
        )
    for delivery, watch in ours:
        event = delivery.event
        decision, request = _read(session, ws, watch, event, now, latest)
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
            request=request,
        )
        if isinstance(decision, NewRequest):
            latest.created(event.channel_id, decision.requester, decision.ts)
    return False


def _is_client_message(event: MessageEvent) -> bool:
    return event.subtype != "message_deleted" and event.thread_ts in (None, event.ts)


def _read(
    session: Session,
    ws: Workspace,
    watch: Watch,
    event: MessageEvent,
    now: datetime,
    latest: _Latest,
) -> tuple[Decision, ClientRequest | None]:
    """The decision, and the stored request it is about when the read found it."""
    if event.subtype == "message_deleted":
        deleted = str(event.deleted_ts)
        request = repo.by_ts(session, team_id=ws.team_id, channel_id=event.channel_id, ts=deleted)
        return rules.read_deletion(deleted_ts=deleted, request=state_of(request)), request
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
    mine = thread = None
    if posted.in_thread:
        thread = repo.by_ts(
            session, team_id=ws.team_id, channel_id=event.channel_id, ts=str(event.thread_ts)
        )
    elif event.user_id:
        mine = latest.get(event.channel_id, event.user_id)
    decision = rules.read_message(
        posted, watch.terms, latest_of_author=state_of(mine), thread_request=state_of(thread)
    )
    return decision, thread if posted.in_thread else mine


def apply(
    session: Session,
    *,
    ws: Workspace,
    watch: Watch,
    channel_id: str,
    decision: Decision,
    now: datetime,
    text: str | None = None,
    request: ClientRequest | None = None,
) -> ClientRequest | None:
    """Write what a decision means; returns the request it touched, if any.

    `request` is the stored request the decision is about, when the caller already holds it.
    """
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
        home.channels_changed(session, ws=ws, channel_ids=[channel_id], now=now)
        return None
    if isinstance(decision, rules.Ignore):
        return None
    ts = decision.request_ts
    if request is None or request.ts != ts:
        request = repo.by_ts(session, team_id=ws.team_id, channel_id=channel_id, ts=ts, lock=True)
    if request is None:
        return None
    if isinstance(decision, SameRequest):
        request.last_message_at = max(request.last_message_at, decision.at)
    elif isinstance(decision, FollowUp):
        # Counted in SQL: two replicas writing follow-ups of one request both count.
        request.follow_ups = ClientRequest.follow_ups + 1
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
    if isinstance(decision, Acknowledge | Withdraw):
        home.channels_changed(session, ws=ws, channel_ids=[channel_id], now=now)
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
