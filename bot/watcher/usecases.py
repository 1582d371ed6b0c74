"""What the watcher's listeners and senders call: session first, dataclasses out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import outbox
from bot.errors import DomainError
from bot.home import changes as home
from bot.i18n import N_
from bot.irritants import config as irritant_config
from bot.pagination import Page, clamp_page
from bot.tenancy import Workspace
from bot.watcher import rules, watches
from bot.watcher.capture import apply, state_of
from bot.watcher.outbox import UPDATE_ALERT, TakenNotice
from bot.watcher.timing import Progress, next_step
from bot.watcher.watches import Watch
from bot.windows import BusinessHours, window_text
from storage.enums import RequestStatus
from storage.models import ClientRequest
from storage.repositories import requests as repo

PAGE_SIZE = 10


class RequestError(DomainError):
    """A rule on requests refused the change."""


@dataclass(frozen=True)
class RequestView:
    """A request as lists, exports and alerts show it (stable names: the JSON export)."""

    id: int
    channel: str
    ts: str
    permalink: str | None
    requester: str
    text: str | None
    created_at: datetime
    due_at: datetime
    nudged_at: datetime | None
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_how: str | None
    breached: bool
    dismissed: bool
    follow_ups: int
    status: str


@dataclass(frozen=True)
class AlertView:
    """What an alert about a request says, and where it goes."""

    request: RequestView
    promise_text: str
    window: str
    alert_channel_id: str | None  # None: the request's thread
    owner: str
    hours: BusinessHours | None
    team_kind: str  # "named_users", "channel_members" or "user_group"
    members: tuple[tuple[str, str | None], ...]  # named people and their cached time zones
    team_group_id: str | None
    paused: bool = False  # the bot is out of a channel the watch needs: send nothing


def view_of(request: ClientRequest) -> RequestView:
    return RequestView(
        id=request.id,
        channel=request.channel_id,
        ts=request.ts,
        permalink=request.permalink,
        requester=request.requester,
        text=request.text,
        created_at=request.created_at,
        due_at=request.due_at,
        nudged_at=request.nudged_at,
        escalated_at=request.escalated_at,
        acknowledged_at=request.acknowledged_at,
        acknowledged_by=request.acknowledged_by,
        acknowledged_how=request.acknowledged_how.value if request.acknowledged_how else None,
        breached=request.breached,
        dismissed=request.status == RequestStatus.dismissed,
        follow_ups=request.follow_ups,
        status=request.status.value,
    )


def alert_view(session: Session, *, ws: Workspace, request_id: int) -> AlertView | None:
    """What a sender needs to post an alert; None when the request or its promise is gone."""
    request = repo.by_id(session, team_id=ws.team_id, request_id=request_id)
    if request is None:
        return None
    watch = watches.by_version(session, team_id=ws.team_id, version_id=request.promise_version_id)
    if watch is None:
        return None
    return AlertView(
        request=view_of(request),
        promise_text=watch.text,
        window=window_text(watch.terms.window),
        alert_channel_id=watch.alert_channel_id,
        owner=watch.owner,
        hours=watch.terms.hours,
        team_kind=watch.team_kind,
        members=watch.members,
        team_group_id=watch.team_group_id,
        paused=watch.paused,
    )


def record_permalink(session: Session, *, ws: Workspace, request_id: int, permalink: str) -> None:
    request = repo.by_id(session, team_id=ws.team_id, request_id=request_id)
    if request is not None and request.permalink is None:
        request.permalink = permalink


def _request_and_watch(
    session: Session, ws: Workspace, request_id: int, clicked_in: str
) -> tuple[ClientRequest, Watch]:
    """The request a button names, if the button was clicked where its alerts are posted.

    The id comes from the button's value, which the client writes; the channel comes from
    Slack's signed body. A click elsewhere names a request it could not have been shown.
    """
    request = repo.by_id(session, team_id=ws.team_id, request_id=request_id, lock=True)
    watch = (
        None
        if request is None
        else watches.by_version(session, team_id=ws.team_id, version_id=request.promise_version_id)
    )
    if request is None or watch is None:
        raise RequestError(N_("This request is no longer watched."))
    if clicked_in not in (request.channel_id, watch.alert_channel_id):
        raise RequestError(N_("This request is no longer watched."))
    return request, watch


@dataclass(frozen=True)
class TakeOutcome:
    taken: bool  # False: someone else (or the same person) had already acknowledged it
    request: RequestView


def take(
    session: Session,
    *,
    ws: Workspace,
    request_id: int,
    user_id: str,
    alert_channel_id: str,
    alert_ts: str | None,
    now: datetime,
) -> TakeOutcome:
    """ "I'll take it": the clicker acknowledges the request; the alert says who is on it.

    `alert_ts` None: taken from elsewhere (the home tab), with no alert message to update.
    """
    request, watch = _request_and_watch(session, ws, request_id, alert_channel_id)
    if user_id == request.requester:
        raise RequestError(N_("You asked this one: someone from the team will pick it up."))
    state = state_of(request)
    assert state is not None
    decision = rules.read_take(user_id=user_id, at=now, request=state)
    if isinstance(decision, rules.Ignore):
        return TakeOutcome(taken=False, request=view_of(request))
    apply(session, ws=ws, watch=watch, channel_id=request.channel_id, decision=decision, now=now)
    if alert_ts is not None:
        notice = TakenNotice(
            request_id=request.id,
            channel_id=alert_channel_id,
            message_ts=alert_ts,
            user_id=user_id,
            outcome="taken",
        )
        outbox.enqueue(session, ws=ws, kind=UPDATE_ALERT, payload=notice, now=now)
    return TakeOutcome(taken=True, request=view_of(request))


def dismiss(
    session: Session,
    *,
    ws: Workspace,
    request_id: int,
    user_id: str,
    alert_channel_id: str,
    alert_ts: str,
    now: datetime,
) -> RequestView:
    """ "Not a request": no more alerts, not counted; undoable with `restore`."""
    request, _watch = _request_and_watch(session, ws, request_id, alert_channel_id)
    if request.status == RequestStatus.open:
        request.status = RequestStatus.dismissed
        request.dismissed_at = now
        request.dismissed_by = user_id
        request.next_check_at = None
        home.channels_changed(session, ws=ws, channel_ids=[request.channel_id], now=now)
        notice = TakenNotice(
            request_id=request.id,
            channel_id=alert_channel_id,
            message_ts=alert_ts,
            user_id=user_id,
            outcome="dismissed",
        )
        outbox.enqueue(session, ws=ws, kind=UPDATE_ALERT, payload=notice, now=now)
    return view_of(request)


def restore(
    session: Session,
    *,
    ws: Workspace,
    request_id: int,
    user_id: str,
    alert_channel_id: str,
    alert_ts: str,
    now: datetime,
) -> RequestView:
    """Undo "Not a request": the request is open again and its clock picks up where it was."""
    request, watch = _request_and_watch(session, ws, request_id, alert_channel_id)
    if request.status == RequestStatus.dismissed:
        request.status = RequestStatus.open
        request.dismissed_at = None
        request.dismissed_by = None
        home.channels_changed(session, ws=ws, channel_ids=[request.channel_id], now=now)
        progress = Progress(
            nudge_at=request.nudge_at,
            due_at=request.due_at,
            nudged=request.nudged_at is not None,
            escalated=request.escalated_at is not None,
            closed=False,
        )
        step = next_step(progress, now, watch.terms.hours)
        # Due now: the scheduler picks it up at its next tick.
        request.next_check_at = now if step.action is not None else step.wake_at
        notice = TakenNotice(
            request_id=request.id,
            channel_id=alert_channel_id,
            message_ts=alert_ts,
            user_id=user_id,
            outcome="restored",
        )
        outbox.enqueue(session, ws=ws, kind=UPDATE_ALERT, payload=notice, now=now)
    return view_of(request)


def request_view(session: Session, *, ws: Workspace, request_id: int) -> RequestView | None:
    request = repo.by_id(session, team_id=ws.team_id, request_id=request_id)
    return None if request is None else view_of(request)


def list_page(
    session: Session, *, ws: Workspace, channel_id: str, open_only: bool, page: int
) -> Page[RequestView]:
    """One page of a channel's requests, newest first."""

    def fetch(number: int) -> tuple[list[RequestView], int]:
        rows, total = repo.page(
            session,
            team_id=ws.team_id,
            channel_id=channel_id,
            open_only=open_only,
            offset=number * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        return [view_of(row) for row in rows], total

    return clamp_page(fetch, page=page, page_size=PAGE_SIZE)


def export_rows(session: Session, *, ws: Workspace, channel_id: str) -> list[RequestView]:
    return [
        view_of(row) for row in repo.of_channel(session, team_id=ws.team_id, channel_id=channel_id)
    ]


def apply_retention(session: Session, now: datetime) -> dict[str, int]:
    """A request's text goes after the workspace's retention period (the irritants' setting,
    180 days by default); its figures stay. Returns {team_id: texts removed}."""
    redacted: dict[str, int] = {}
    for team_id in repo.teams_with_text(session):
        days = irritant_config.load(session, team_id=team_id).retention_days
        count = repo.redact_texts(
            session, team_id=team_id, before=now - timedelta(days=days), now=now
        )
        if count:
            redacted[team_id] = count
    return redacted
