"""What listeners call for exercises as a whole: start, find, list, advance, board, mute.

Session first, primitives after, dataclasses out; every query is scoped by the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import outbox
from bot.channel_locale import channel_locale
from bot.home import changes as home
from bot.journeys import rules
from bot.journeys.board import (
    Board,
    Card,
    Column,
    Deadlines,
    Feeling,
    Moment,
    Persona,
    Phase,
    PromiseSummary,
    Touchpoint,
)
from bot.journeys.outbox import EXERCISE_MESSAGE, POST_MESSAGE, SUMMARY, ExerciseRef
from bot.journeys.rules import JourneyError, NewExercise
from bot.tenancy import Workspace
from storage.enums import JourneyPhase
from storage.models import JourneyExercise
from storage.repositories import journey_boards as board_repo
from storage.repositories import journey_links as link_repo
from storage.repositories import journeys as repo
from storage.repositories.journey_links import KeptCount
from storage.repositories.journeys import ExerciseCounts


@dataclass(frozen=True)
class ExerciseView:
    id: int
    number: int
    channel_id: str
    task: str
    persona: Persona
    description: str | None
    facilitator_id: str
    phase: Phase
    deadlines: Deadlines
    votes_per_member: int
    anonymous: bool
    locale: str
    message_ts: str | None
    moments: int = 0
    cards: int = 0
    votes: int = 0

    @property
    def deadline(self) -> datetime | None:
        """When the current phase ends, if it ends by itself."""
        return rules.phase_deadline(
            self.phase, self.deadlines.moments, self.deadlines.columns, self.deadlines.vote
        )


def view_of(row: JourneyExercise, counted: ExerciseCounts | None = None) -> ExerciseView:
    counted = counted or ExerciseCounts()
    return ExerciseView(
        id=row.id,
        number=row.number,
        channel_id=row.channel_id,
        task=row.task,
        persona=Persona(row.persona_name, row.persona_line),
        description=row.description,
        facilitator_id=row.facilitator_id,
        phase=Phase(row.phase.value),
        deadlines=Deadlines(row.moments_deadline, row.columns_deadline, row.vote_deadline),
        votes_per_member=row.votes_per_member,
        anonymous=row.anonymous,
        locale=row.locale,
        message_ts=row.message_ts,
        moments=counted.moments,
        cards=counted.cards,
        votes=counted.votes,
    )


def load(
    session: Session, *, ws: Workspace, exercise_id: int, lock: bool = False
) -> JourneyExercise:
    row = repo.get_exercise(session, team_id=ws.team_id, exercise_id=exercise_id, lock=lock)
    if row is None:
        raise JourneyError(rules.GONE)
    return row


def refresh_message(session: Session, *, ws: Workspace, exercise_id: int, now: datetime) -> None:
    """Have the relay bring the channel's exercise message up to date."""
    outbox.enqueue(
        session, ws=ws, kind=EXERCISE_MESSAGE, payload=ExerciseRef(exercise_id=exercise_id), now=now
    )


@dataclass(frozen=True)
class Started:
    errors: dict[str, str]
    exercise: ExerciseView | None = None


def start(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    facilitator_id: str,
    given: NewExercise,
    locale: str,
    now: datetime,
) -> Started:
    """Create the exercise (its number is the channel's next) and have its message posted."""
    errors = rules.check_new(given, now)
    if errors:
        return Started(errors)
    assert given.task
    assert given.persona_name
    assert given.persona_line
    assert given.votes_per_member
    # The exercise message is public: it speaks the channel's language when the channel (or
    # the workspace) chose one, else the facilitator's.
    spoken = channel_locale(session, ws=ws, channel_id=channel_id)
    public_locale = spoken.locale if spoken.source != "default" else locale
    for _attempt in range(3):  # two exercises started at once in one channel: retry the number
        number = repo.next_number(session, team_id=ws.team_id, channel_id=channel_id)
        row = JourneyExercise(
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            channel_id=channel_id,
            number=number,
            task=given.task.strip(),
            persona_name=given.persona_name.strip(),
            persona_line=given.persona_line.strip(),
            description=(given.description or "").strip() or None,
            facilitator_id=facilitator_id,
            phase=JourneyPhase.moments,
            moments_deadline=given.moments_deadline,
            columns_deadline=given.columns_deadline,
            vote_deadline=given.vote_deadline,
            phase_changed_at=now,
            votes_per_member=given.votes_per_member,
            anonymous=given.anonymous,
            locale=public_locale,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        outbox.enqueue(
            session, ws=ws, kind=POST_MESSAGE, payload=ExerciseRef(exercise_id=row.id), now=now
        )
        return Started({}, view_of(row))
    raise JourneyError(rules.GONE)


def record_message(session: Session, *, ws: Workspace, exercise_id: int, message_ts: str) -> None:
    row = load(session, ws=ws, exercise_id=exercise_id)
    row.message_ts = message_ts


def exercise(session: Session, *, ws: Workspace, exercise_id: int) -> ExerciseView | None:
    row = repo.get_exercise(session, team_id=ws.team_id, exercise_id=exercise_id)
    if row is None:
        return None
    counted = repo.counts(session, team_id=ws.team_id, exercise_ids=[row.id])
    return view_of(row, counted.get(row.id))


def channel_list(session: Session, *, ws: Workspace, channel_id: str) -> list[ExerciseView]:
    """The channel's exercises, newest first, with their counts (four queries in all)."""
    rows = repo.channel_exercises(session, team_id=ws.team_id, channel_id=channel_id)
    counted = repo.counts(session, team_id=ws.team_id, exercise_ids=[row.id for row in rows])
    return [view_of(row, counted.get(row.id)) for row in rows]


def find(
    session: Session, *, ws: Workspace, channel_id: str, words: list[str], open_only: bool = True
) -> ExerciseView:
    """The exercise a person named: `#3`, words of its task, or the channel's latest open one."""
    ref = rules.parse_ref(words)
    rows = repo.channel_exercises(session, team_id=ws.team_id, channel_id=channel_id)
    if ref.latest:
        candidates = [r for r in rows if r.phase != JourneyPhase.closed]
        if not candidates and not open_only:
            candidates = rows  # nothing open: the latest closed one is still worth reading
        if not candidates:
            raise JourneyError(rules.NONE_OPEN)
        return view_of(candidates[0])
    found = [r for r in rows if rules.matches(ref, r.number, r.task)]
    if not found:
        raise JourneyError(rules.NO_MATCH)
    found.sort(key=lambda r: (r.phase == JourneyPhase.closed, -r.number))
    return view_of(found[0])


def advance(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    actor_id: str,
    now: datetime,
    seen: Phase | None = None,
) -> Phase:
    """The facilitator moves the exercise to its next phase.

    `seen` is the phase the clicked message showed: a double click, or a click on a message
    the exercise has moved past, finds another phase and changes nothing.
    """
    row = load(session, ws=ws, exercise_id=exercise_id)
    if row.facilitator_id != actor_id:
        raise JourneyError(rules.NOT_FACILITATOR)
    current = Phase(row.phase.value)
    if seen is not None and seen is not current:
        return current
    target = rules.next_phase(current)
    moved = repo.advance_phase(
        session,
        team_id=ws.team_id,
        exercise_id=exercise_id,
        from_phase=JourneyPhase(current.value),
        to_phase=JourneyPhase(target.value),
        now=now,
    )
    if moved:
        after_advance(session, ws=ws, exercise_id=exercise_id, phase=target, now=now)
    return target


def after_advance(
    session: Session, *, ws: Workspace, exercise_id: int, phase: Phase, now: datetime
) -> None:
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    home.exercises_changed(session, exercise_ids=[exercise_id], now=now)
    if phase is Phase.CLOSED:
        outbox.enqueue(
            session, ws=ws, kind=SUMMARY, payload=ExerciseRef(exercise_id=exercise_id), now=now
        )


def board(session: Session, *, ws: Workspace, exercise_id: int, now: datetime) -> Board:
    """The exercise as a board: moments in order, cards with votes, feelings, open irritants
    and, as of `now`, the kept rate of the promises made from each moment's ideas."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    moment_rows = board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)
    card_rows = board_repo.cards(session, team_id=ws.team_id, exercise_id=exercise_id)
    votes = board_repo.vote_counts(session, team_id=ws.team_id, exercise_id=exercise_id)
    ratings = board_repo.feelings(session, team_id=ws.team_id, exercise_id=exercise_id)
    moment_ids = [moment.id for moment in moment_rows]
    irritants = link_repo.open_irritants(session, team_id=ws.team_id, moment_ids=moment_ids)
    kept = link_repo.kept_by_moment(session, team_id=ws.team_id, moment_ids=moment_ids, now=now)
    by_moment: dict[int, list[Card]] = {}
    for card in card_rows:
        column = Column(card.column.value)
        by_moment.setdefault(card.moment_id, []).append(
            Card(
                id=card.id,
                column=column,
                text=card.text,
                author_id=None if row.anonymous else card.author_id,
                votes=votes.get(card.id, 0) if column is Column.TOMORROW else 0,
            )
        )
    moments = tuple(
        Moment(
            id=moment.id,
            position=index + 1,
            name=moment.name,
            touchpoint=Touchpoint(moment.touchpoint.value),
            note=moment.note,
            feeling=Feeling.of(ratings.get(moment.id, [])),
            open_irritants=irritants.get(moment.id, 0),
            kept_rate=_rate(kept.get(moment.id)),
            cards=tuple(by_moment.get(moment.id, [])),
        )
        for index, moment in enumerate(moment_rows)
    )
    view = view_of(row)
    return Board(
        number=row.number,
        task=row.task,
        persona=view.persona,
        channel_id=row.channel_id,
        facilitator_id=row.facilitator_id,
        phase=view.phase,
        description=row.description,
        deadlines=view.deadlines,
        anonymous=row.anonymous,
        moments=moments,
        promises=tuple(
            PromiseSummary(version.text, _window(version.window_seconds))
            for _promise, version in link_repo.exercise_promises(
                session, team_id=ws.team_id, exercise_id=exercise_id
            )
        ),
    )


def _rate(counted: KeptCount | None) -> float | None:
    """Kept over settled requests, or None while nothing is settled."""
    if counted is None or not counted.due:
        return None
    return counted.kept / counted.due


def _window(seconds: int | None) -> timedelta | None:
    return timedelta(seconds=seconds) if seconds else None


def mute(session: Session, *, ws: Workspace, user_id: str, now: datetime) -> bool:
    return repo.mute(session, team_id=ws.team_id, user_id=user_id, now=now)


def unmute(session: Session, *, ws: Workspace, user_id: str) -> bool:
    return repo.unmute(session, team_id=ws.team_id, user_id=user_id)
