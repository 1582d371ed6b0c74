"""What the home listeners and its sender call: session first, dataclasses out.

Who is a team lead: a workspace admin, the owner of a channel's watch (who made its current
version: escalations already DM them) or a person named in a watch's team. Those are the
people the promise figures are for; a lead's home adds an overview of every channel they
are in (every channel with something to show, for admins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from bot.digests.figures import WeekFigures
from bot.digests.schedule import DigestWeek
from bot.digests.usecases import request_weeks
from bot.errors import DomainError
from bot.i18n import N_
from bot.journeys.board import Phase
from bot.membership import Audience
from bot.tenancy import Workspace
from bot.watcher import usecases as watcher
from storage.enums import JourneyPhase
from storage.repositories import home as repo
from storage.repositories import irritants as irritants_repo
from storage.repositories import journeys as journeys_repo
from storage.repositories import promises as promises_repo
from storage.repositories import requests as requests_repo

# How much of each list the tab shows; the rest is counted and left to the slash commands.
# With these caps a home never nears Slack's 100 blocks (see handlers/blocks/home.py).
REQUESTS_SHOWN = 15
EXERCISES_SHOWN = 5
IRRITANTS_SHOWN = 5
FIGURES_SHOWN = 5
OVERVIEW_SHOWN = 10
TOP_PER_CHANNEL = 2
WEEK = timedelta(days=7)

T = TypeVar("T")


class HomeError(DomainError):
    """A home action refused."""


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first items of a list and how many there are in all."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass(frozen=True)
class WaitingRequest:
    id: int
    channel_id: str
    text: str | None
    permalink: str | None
    requester: str
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class ExerciseDuty:
    """An exercise the person takes part in, and what its phase asks of them."""

    id: int
    number: int
    channel_id: str
    task: str
    phase: Phase
    deadline: datetime | None
    facilitating: bool
    done: bool  # they already contributed to this phase
    votes_left: int


@dataclass(frozen=True)
class ReportedIrritant:
    id: int
    channel_id: str
    text: str | None
    permalink: str | None
    status: str


@dataclass(frozen=True)
class ChannelFigures:
    channel_id: str
    figures: WeekFigures


@dataclass(frozen=True)
class TopIrritant:
    text: str | None
    permalink: str | None
    reporters: int


@dataclass(frozen=True)
class OverviewLine:
    channel_id: str
    due: int
    kept: int
    open_requests: int
    open_irritants: int
    top: list[TopIrritant]

    @property
    def kept_ratio(self) -> float | None:
        return self.kept / self.due if self.due else None


@dataclass(frozen=True)
class HomeContent:
    is_lead: bool
    requests: Listed[WaitingRequest]
    exercises: Listed[ExerciseDuty]
    irritants: Listed[ReportedIrritant]
    figures: Listed[ChannelFigures]
    overview: Listed[OverviewLine] | None  # None: not a team lead


def opened(session: Session, *, ws: Workspace, user_id: str, is_admin: bool, now: datetime) -> None:
    """The person opened the tab: from now on, changes they can see refresh it."""
    repo.record_opened(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        user_id=user_id,
        is_admin=is_admin,
        now=now,
    )


def take_refresh(session: Session, *, ws: Workspace, user_id: str, now: datetime) -> bool:
    """A queued refresh is being published: False when the viewer is gone (uninstalled)."""
    return repo.take_refresh(session, team_id=ws.team_id, user_id=user_id, now=now)


def is_lead(session: Session, *, ws: Workspace, user_id: str, is_admin: bool) -> bool:
    if is_admin:
        return True
    for watch in promises_repo.active_watches(session, team_id=ws.team_id):
        version = watch.version
        if version.made_by == user_id or user_id in (version.team_user_ids or []):
            return True
    return False


def _requests(session: Session, ws: Workspace, audience: Audience) -> Listed[WaitingRequest]:
    rows, total = repo.waiting_requests(
        session, team_id=ws.team_id, channels=audience.only_channels, limit=REQUESTS_SHOWN
    )
    items = [
        WaitingRequest(
            id=row.id,
            channel_id=row.channel_id,
            text=row.text,
            permalink=row.permalink,
            requester=row.requester,
            created_at=row.created_at,
            due_at=row.due_at,
        )
        for row in rows
    ]
    return Listed(items, total)


def _exercises(session: Session, ws: Workspace, audience: Audience) -> Listed[ExerciseDuty]:
    rows, total = repo.running_exercises(
        session,
        team_id=ws.team_id,
        user_id=audience.user_id,
        channels=audience.only_channels,
        limit=EXERCISES_SHOWN,
    )
    items = []
    for found in rows:
        row = found.exercise
        phase = Phase(row.phase.value)
        done = audience.user_id in journeys_repo.contributors(
            session, team_id=ws.team_id, exercise_id=row.id, phase=JourneyPhase(row.phase.value)
        )
        deadline = {
            Phase.MOMENTS: row.moments_deadline,
            Phase.COLUMNS: row.columns_deadline,
            Phase.VOTE: row.vote_deadline,
        }.get(phase)
        items.append(
            ExerciseDuty(
                id=row.id,
                number=row.number,
                channel_id=row.channel_id,
                task=row.task,
                phase=phase,
                deadline=deadline,
                facilitating=row.facilitator_id == audience.user_id,
                done=done,
                votes_left=max(0, row.votes_per_member - found.votes_spent),
            )
        )
    return Listed(items, total)


def _irritants(session: Session, ws: Workspace, audience: Audience) -> Listed[ReportedIrritant]:
    rows, total = repo.reported_by(
        session,
        team_id=ws.team_id,
        user_id=audience.user_id,
        channels=audience.only_channels,
        limit=IRRITANTS_SHOWN,
    )
    items = [
        ReportedIrritant(
            id=row.id,
            channel_id=row.channel_id,
            text=row.message_text,
            permalink=row.permalink,
            status=row.status.value,
        )
        for row in rows
    ]
    return Listed(items, total)


def _figures(
    session: Session, ws: Workspace, audience: Audience, week: DigestWeek
) -> Listed[ChannelFigures]:
    """The digest's own figures (its aggregate queries) for the last seven days."""
    channels = repo.watched_channels(session, team_id=ws.team_id, channels=audience.only_channels)
    items = [
        ChannelFigures(
            channel_id, request_weeks(session, ws=ws, channel_id=channel_id, weeks=[week])[0]
        )
        for channel_id in channels[:FIGURES_SHOWN]
    ]
    return Listed(items, len(channels))


def _overview(
    session: Session, ws: Workspace, audience: Audience, week: DigestWeek
) -> Listed[OverviewLine]:
    channels = repo.active_channels(session, team_id=ws.team_id, channels=audience.only_channels)
    counts = repo.channel_counts(
        session, team_id=ws.team_id, channel_ids=channels, start=week.start, end=week.end
    )
    # The channels that need attention first: open requests, then open irritants.
    ordered = sorted(
        counts.values(), key=lambda c: (-c.open_requests, -c.open_irritants, c.channel_id)
    )[:OVERVIEW_SHOWN]
    tops: dict[str, list[TopIrritant]] = {}
    for top in repo.top_irritants(
        session,
        team_id=ws.team_id,
        channel_ids=[c.channel_id for c in ordered],
        per_channel=TOP_PER_CHANNEL,
    ):
        tops.setdefault(top.channel_id, []).append(
            TopIrritant(top.text, top.permalink, top.reporters)
        )
    items = [
        OverviewLine(
            channel_id=c.channel_id,
            due=c.due,
            kept=c.kept,
            open_requests=c.open_requests,
            open_irritants=c.open_irritants,
            top=tops.get(c.channel_id, []),
        )
        for c in ordered
    ]
    return Listed(items, len(channels))


def home_content(
    session: Session, *, ws: Workspace, audience: Audience, now: datetime
) -> HomeContent:
    """Everything one person's home shows, from channels they may read only."""
    week = DigestWeek(start=now - WEEK, end=now)
    lead = is_lead(session, ws=ws, user_id=audience.user_id, is_admin=audience.sees_all)
    return HomeContent(
        is_lead=lead,
        requests=_requests(session, ws, audience),
        exercises=_exercises(session, ws, audience),
        irritants=_irritants(session, ws, audience),
        figures=_figures(session, ws, audience, week),
        overview=_overview(session, ws, audience, week) if lead else None,
    )


GONE = N_("This request is no longer waiting in one of your channels.")


def take(
    session: Session, *, ws: Workspace, request_id: int, audience: Audience, now: datetime
) -> watcher.TakeOutcome:
    """ "I'll take it" from the home: the watcher's own acknowledgement, for a request of a
    channel the clicker may read (the button's value is written by the client)."""
    request = requests_repo.by_id(session, team_id=ws.team_id, request_id=request_id)
    if request is None or not audience.can_see(request.channel_id):
        raise HomeError(GONE)
    return watcher.take(
        session,
        ws=ws,
        request_id=request_id,
        user_id=audience.user_id,
        alert_channel_id=request.channel_id,
        alert_ts=None,
        now=now,
    )


def source_channels(session: Session, *, ws: Workspace) -> list[str]:
    """Every channel the home may quote (whose members must be known to filter it)."""
    active = repo.active_channels(session, team_id=ws.team_id, channels=None)
    reported = irritants_repo.channel_ids(session, team_id=ws.team_id)
    return sorted({*active, *reported})
