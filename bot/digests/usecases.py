"""What the digest listeners, its sender and its job ask for; plain values in and out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from bot import outbox
from bot.digests.figures import (
    MAX_BREACH_LINKS,
    TOP_PICKERS,
    Breach,
    WeekFigures,
    nearest_rank,
)
from bot.digests.outbox import DIGEST, DigestDue
from bot.digests.schedule import (
    DigestSchedule,
    DigestWeek,
    latest_due_day,
    next_due,
    week_before,
    weeks_before,
)
from bot.journeys import usecases as journeys
from bot.journeys.board import Phase
from bot.promises.usecases import setup_of
from bot.tenancy import Workspace
from bot.windows import BusinessHours, business_elapsed
from storage.enums import AlertPlace
from storage.models import ChannelDigest
from storage.repositories import digests as repo
from storage.repositories import promises as promises_repo
from storage.repositories.digests import IrritantWeekRow

TREND_WEEKS = 8
TOP_IRRITANTS = 3
DUE_BATCH = 500
MAX_BATCHES = 40  # 20,000 digests queued per tick at most


@dataclass(frozen=True)
class DigestSetting:
    schedule: DigestSchedule
    enabled: bool
    next_due_at: datetime
    last_sent_for: datetime | None


@dataclass(frozen=True)
class WatchTerms:
    """What the digest says of the channel's watch, and where its alerts (and digests) go."""

    text: str  # empty: the default sentence, in the reader's language (`promise_text`)
    window: timedelta | None
    alert_channel_id: str | None


@dataclass(frozen=True)
class ExerciseInProgress:
    """A journey exercise not closed yet: where it stands, and until when."""

    number: int
    task: str
    phase: Phase
    phase_ends_at: datetime | None  # None: the facilitator moves it on by hand


@dataclass(frozen=True)
class DigestContent:
    """Everything one channel's digest shows, for the week that ends at `week.end`."""

    channel_id: str
    timezone: str
    week: DigestWeek
    weeks: list[WeekFigures]  # the trend, oldest first; the digest's own week last
    watch: WatchTerms | None
    irritants: IrritantWeekRow
    promises_made: list[str]
    exercises: list[ExerciseInProgress]

    @property
    def this_week(self) -> WeekFigures:
        return self.weeks[-1]

    @property
    def quiet(self) -> bool:
        irritants = self.irritants
        return (
            self.this_week.quiet
            and not (irritants.opened or irritants.resolved)
            and not self.promises_made
            and not self.exercises
        )


def _schedule_of(row: ChannelDigest) -> DigestSchedule:
    return DigestSchedule(
        weekday=row.weekday, at=time(row.at_minute // 60, row.at_minute % 60), timezone=row.timezone
    )


def digest_setting(session: Session, *, ws: Workspace, channel_id: str) -> DigestSetting | None:
    row = repo.get_digest(session, team_id=ws.team_id, channel_id=channel_id)
    if row is None:
        return None
    return DigestSetting(
        schedule=_schedule_of(row),
        enabled=row.enabled,
        next_due_at=row.next_due_at,
        last_sent_for=row.last_sent_for,
    )


def set_digest(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    schedule: DigestSchedule,
    user_id: str,
    now: datetime,
) -> DigestSetting:
    """Send the channel's digest on `schedule` from the next occurrence after `now`."""
    row = repo.save_digest(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        channel_id=channel_id,
        weekday=schedule.weekday,
        at_minute=schedule.at.hour * 60 + schedule.at.minute,
        timezone=schedule.timezone,
        next_due_at=next_due(now, schedule),
        user_id=user_id,
        now=now,
    )
    return DigestSetting(
        schedule=schedule,
        enabled=True,
        next_due_at=row.next_due_at,
        last_sent_for=row.last_sent_for,
    )


def turn_off_digest(
    session: Session, *, ws: Workspace, channel_id: str, user_id: str, now: datetime
) -> bool:
    return repo.turn_off(
        session, team_id=ws.team_id, channel_id=channel_id, user_id=user_id, now=now
    )


def watch_terms(session: Session, *, ws: Workspace, channel_id: str) -> WatchTerms | None:
    """The channel's watch as the digest needs it: its text and its alert channel, if any."""
    found = promises_repo.active_watch(session, team_id=ws.team_id, channel_id=channel_id)
    if found is None:
        return None
    version = found.version
    alert_channel = (
        version.alert_channel_id if version.alert_place == AlertPlace.team_channel else None
    )
    window = None if version.window_seconds is None else timedelta(seconds=version.window_seconds)
    return WatchTerms(text=version.text, window=window, alert_channel_id=alert_channel)


def watch_timezone(session: Session, *, ws: Workspace, channel_id: str) -> str | None:
    """The time zone of the watch's business hours: a digest's default time zone."""
    found = promises_repo.active_watch(session, team_id=ws.team_id, channel_id=channel_id)
    return None if found is None else found.version.business_timezone


def digest_content(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    schedule: DigestSchedule,
    due: datetime,
) -> DigestContent:
    """The digest of the week that ends at `due` (an occurrence of `schedule`)."""
    due_day = latest_due_day(due, schedule)
    week = week_before(due_day, schedule)
    trend = weeks_before(due_day, schedule, TREND_WEEKS)
    return DigestContent(
        channel_id=channel_id,
        timezone=schedule.timezone,
        week=week,
        weeks=request_weeks(session, ws=ws, channel_id=channel_id, weeks=trend),
        watch=watch_terms(session, ws=ws, channel_id=channel_id),
        irritants=repo.irritant_week(
            session,
            team_id=ws.team_id,
            channel_id=channel_id,
            start=week.start,
            end=week.end,
            top=TOP_IRRITANTS,
        ),
        promises_made=repo.promises_made(
            session, team_id=ws.team_id, channel_id=channel_id, start=week.start, end=week.end
        ),
        exercises=exercises_in_progress(session, ws=ws, channel_id=channel_id),
    )


def exercises_in_progress(
    session: Session, *, ws: Workspace, channel_id: str
) -> list[ExerciseInProgress]:
    """The channel's journey exercises still open, oldest first, and their phase now.

    Read through the journeys' own use case: the digest shows their state, never changes it.
    """
    found = journeys.channel_list(session, ws=ws, channel_id=channel_id)
    return [
        ExerciseInProgress(
            number=view.number,
            task=view.task,
            phase=view.phase,
            phase_ends_at=view.deadline,
        )
        for view in sorted(found, key=lambda view: view.number)
        if view.phase != Phase.CLOSED
    ]


def preview_content(
    session: Session, *, ws: Workspace, channel_id: str, schedule: DigestSchedule, now: datetime
) -> DigestContent:
    """The digest as it would read now: the seven days up to `now`'s latest occurrence."""
    due_day = latest_due_day(now, schedule)
    return digest_content(
        session,
        ws=ws,
        channel_id=channel_id,
        schedule=schedule,
        due=week_before(due_day, schedule).end,
    )


def request_weeks(
    session: Session, *, ws: Workspace, channel_id: str, weeks: list[DigestWeek]
) -> list[WeekFigures]:
    """The promise figures of each week (the watcher's requests), oldest first.

    Five statements whatever the number of weeks: the counts of every week in one aggregate,
    the acknowledged requests of the span (for the business-time percentiles), and for the
    last week (the digest's own) its breaches, oldest open request and thanks. The earlier
    weeks are the trend: counts and percentiles, no links.
    """
    if not weeks:
        return []
    team_id = ws.team_id
    counts = repo.request_counts(
        session,
        team_id=team_id,
        channel_id=channel_id,
        weeks=[(week.start, week.end) for week in weeks],
    )
    acknowledged = repo.acknowledged_between(
        session, team_id=team_id, channel_id=channel_id, start=weeks[0].start, end=weeks[-1].end
    )
    hours_of: dict[int, BusinessHours | None] = {}
    waits: list[list[float]] = [[] for _ in weeks]
    for row in acknowledged:
        index = next(
            (i for i, week in enumerate(weeks) if week.start <= row.acknowledged_at < week.end),
            None,
        )
        if index is None:
            continue  # between two weeks asked for (the trend's weeks follow each other)
        version_id = row.promise_version_id
        if version_id not in hours_of:
            version = repo.promise_version(session, team_id=team_id, version_id=version_id)
            hours_of[version_id] = None if version is None else setup_of(version).hours
        elapsed = business_elapsed(row.created_at, row.acknowledged_at, hours_of[version_id])
        waits[index].append(elapsed.total_seconds())
    figures = [
        WeekFigures(
            week=week,
            received=count.received,
            due=count.due,
            kept=count.kept,
            acknowledged=count.acknowledged,
            on_time=count.on_time,
            median_seconds=nearest_rank(week_waits, 0.5),
            p90_seconds=nearest_rank(week_waits, 0.9),
            follow_ups=count.follow_ups,
            breach_count=count.due - count.kept,
        )
        for week, count, week_waits in zip(weeks, counts, waits, strict=True)
    ]
    figures[-1] = _with_details(session, ws=ws, channel_id=channel_id, figures=figures[-1])
    return figures


def _with_details(
    session: Session, *, ws: Workspace, channel_id: str, figures: WeekFigures
) -> WeekFigures:
    week = figures.week
    details = repo.week_details(
        session,
        team_id=ws.team_id,
        channel_id=channel_id,
        start=week.start,
        end=week.end,
        breaches=MAX_BREACH_LINKS,
        pickers=TOP_PICKERS,
    )
    oldest = details.oldest_open
    return dataclasses.replace(
        figures,
        breaches=tuple(
            Breach(
                channel_id=channel_id, ts=ref.ts, arrived_at=ref.created_at, permalink=ref.permalink
            )
            for ref in details.breaches
        ),
        longest_open_wait=None if oldest is None else week.end - oldest.created_at,
        longest_open=None
        if oldest is None
        else Breach(
            channel_id=channel_id,
            ts=oldest.ts,
            arrived_at=oldest.created_at,
            permalink=oldest.permalink,
        ),
        pickers=tuple(details.pickers),
    )


def send_due_digests(session: Session, now: datetime) -> int:
    """The scheduler's tick: queue each due digest once and move its schedule on.

    Only the latest week is sent: a digest missed while the bot was down goes out once when
    it comes back (its week is still the latest), and a later week's replaces it. Due rows
    are claimed a batch at a time until none is left (up to `MAX_BATCHES`), so thousands of
    channels due at the same minute are all queued in that minute, not 200 per tick; the
    relay then posts them at Slack's pace.
    """
    messages: list[dict[str, object]] = []
    for _batch in range(MAX_BATCHES):
        claimed = repo.claim_due(session, now=now, limit=DUE_BATCH)
        # Channels with the same schedule and due instant move on together, in one update.
        alike: dict[tuple[DigestSchedule, datetime], list[ChannelDigest]] = {}
        for row in claimed:
            alike.setdefault((_schedule_of(row), row.next_due_at), []).append(row)
        for (schedule, claimed_due), rows in alike.items():
            due = occurrence_due(now, schedule)
            moved = set(
                repo.mark_sent_many(
                    session,
                    digest_ids=[row.id for row in rows],
                    claimed_due=claimed_due,
                    sent_for=due,
                    next_due_at=next_due(now, schedule),
                )
            )
            messages += [
                outbox.row(
                    Workspace(team_id=row.team_id, enterprise_id=row.enterprise_id),
                    DIGEST,
                    DigestDue(channel_id=row.channel_id, due=due),
                )
                for row in rows
                if row.id in moved
            ]
        if len(claimed) < DUE_BATCH:
            break
    outbox.enqueue_rows(session, rows=taking_turns(messages), now=now)
    return len(messages)


def taking_turns(messages: list[dict[str, object]]) -> list[dict[str, object]]:
    """The messages ordered one workspace after another (first of each, then second…).

    The relay sends in queue order, a group at a time: in turns, a group holds many
    workspaces, and each workspace's share of Slack's per-workspace limits (Tier 3 for the
    history read before posting) is spread over the whole fan-out instead of spent at once.
    """
    by_team: dict[object, list[dict[str, object]]] = {}
    for message in messages:
        by_team.setdefault(message["team_id"], []).append(message)
    queues = list(by_team.values())
    return [
        queue[turn]
        for turn in range(max((len(queue) for queue in queues), default=0))
        for queue in queues
        if turn < len(queue)
    ]


def occurrence_due(now: datetime, schedule: DigestSchedule) -> datetime:
    """The due instant of the latest occurrence at or before `now`."""
    return week_before(latest_due_day(now, schedule), schedule).end
