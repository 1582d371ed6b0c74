"""What members add to an exercise: moments, cards, feelings and votes.

Membership of the channel is checked by the listener (a Slack fact); everything else is
checked here against what is stored: the exercise's workspace and phase, the moment's and
card's exercise, the facilitator, and the ballot's remaining votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.journeys import rules
from bot.journeys.board import Phase
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import load, refresh_message
from bot.tenancy import Workspace
from storage.enums import JourneyColumn, JourneyTouchpoint
from storage.models import JourneyCard, JourneyExercise, JourneyMoment
from storage.repositories import journey_boards as board_repo


def _open(row: JourneyExercise, *phases: Phase) -> None:
    phase = Phase(row.phase.value)
    if phase is Phase.CLOSED:
        raise JourneyError(rules.CLOSED)
    if phases and phase not in phases:
        raise JourneyError(rules.WRONG_PHASE)


def _facilitator(row: JourneyExercise, actor_id: str) -> None:
    if row.facilitator_id != actor_id:
        raise JourneyError(rules.NOT_FACILITATOR)


def _moment(session: Session, ws: Workspace, row: JourneyExercise, moment_id: int) -> JourneyMoment:
    moment = board_repo.get_moment(session, team_id=ws.team_id, moment_id=moment_id)
    if moment is None or moment.exercise_id != row.id or moment.deleted_at is not None:
        raise JourneyError(rules.MOMENT_GONE)
    return moment


@dataclass(frozen=True)
class MomentChoice:
    id: int
    position: int
    name: str


def moment_choices(session: Session, *, ws: Workspace, exercise_id: int) -> list[MomentChoice]:
    load(session, ws=ws, exercise_id=exercise_id)
    rows = board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)
    return [MomentChoice(m.id, index + 1, m.name) for index, m in enumerate(rows)]


def add_moment(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    author_id: str,
    name: str | None,
    touchpoint: str | None,
    note: str | None,
    position: int | None,
    now: datetime,
) -> dict[str, str]:
    """Add a moment of truth (at `position`, 1-based, or last). Errors by field, or {}."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row, Phase.MOMENTS, Phase.COLUMNS)
    existing = board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)
    errors = rules.check_moment(name, touchpoint, note, [m.name for m in existing], len(existing))
    if errors:
        return errors
    assert name is not None
    assert touchpoint is not None
    index = len(existing) if position is None else max(0, min(position - 1, len(existing)))
    moment = JourneyMoment(
        team_id=ws.team_id,
        exercise_id=exercise_id,
        position=0,
        name=name.strip(),
        touchpoint=JourneyTouchpoint(touchpoint),
        note=(note or "").strip() or None,
        author_id=author_id,
        created_at=now,
    )
    session.add(moment)
    _renumber([*existing[:index], moment, *existing[index:]])
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return {}


def _renumber(ordered: list[JourneyMoment]) -> None:
    for index, moment in enumerate(ordered):
        moment.position = index + 1


def move_moment(
    session: Session, *, ws: Workspace, exercise_id: int, moment_id: int, by: int, actor_id: str
) -> None:
    """The facilitator moves a moment earlier (by=-1) or later (by=+1)."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row)
    _facilitator(row, actor_id)
    moment = _moment(session, ws, row, moment_id)
    ordered = board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)
    index = ordered.index(moment)
    target = max(0, min(index + by, len(ordered) - 1))
    ordered.insert(target, ordered.pop(index))
    _renumber(ordered)


def rename_moment(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    moment_id: int,
    name: str | None,
    actor_id: str,
    now: datetime,
) -> dict[str, str]:
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row)
    _facilitator(row, actor_id)
    moment = _moment(session, ws, row, moment_id)
    others = [
        m.name
        for m in board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)
        if m.id != moment_id
    ]
    errors = rules.check_moment(name, moment.touchpoint.value, None, others, 0)
    if errors:
        return errors
    assert name is not None
    moment.name = name.strip()
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return {}


def merge_moment(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    moment_id: int,
    into_id: int,
    actor_id: str,
    now: datetime,
) -> None:
    """Merge a moment into another: its cards and linked irritants move, it is deleted."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row)
    _facilitator(row, actor_id)
    moment = _moment(session, ws, row, moment_id)
    into = _moment(session, ws, row, into_id)
    if moment.id == into.id:
        raise JourneyError(rules.MOMENT_GONE)
    board_repo.move_cards(session, team_id=ws.team_id, from_moment=moment.id, to_moment=into.id)
    moment.deleted_at = now
    _renumber(board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id))
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)


def delete_moment(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    moment_id: int,
    actor_id: str,
    now: datetime,
    undo: bool = False,
) -> str:
    """Delete a moment (kept, so `undo=True` brings it back with its cards). Returns its name."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row)
    _facilitator(row, actor_id)
    moment = board_repo.get_moment(session, team_id=ws.team_id, moment_id=moment_id)
    if moment is None or moment.exercise_id != row.id:
        raise JourneyError(rules.MOMENT_GONE)
    moment.deleted_at = None if undo else now
    session.flush()
    _renumber(board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id))
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return moment.name


def add_card(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    moment_id: int | None,
    author_id: str,
    column: str | None,
    text: str | None,
    feeling: int | None,
    now: datetime,
) -> dict[str, str]:
    """A card in a moment's column and/or the author's feeling rating. Errors by field, or {}."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row, Phase.COLUMNS)
    if moment_id is None:
        return {rules.Field.moment: rules.MOMENT_GONE}
    moment = _moment(session, ws, row, moment_id)
    errors = rules.check_card(text, column, feeling)
    if errors:
        return errors
    clean = (text or "").strip()
    if clean and not board_repo.has_card(
        session,
        team_id=ws.team_id,
        moment_id=moment.id,
        column=str(column),
        author_id=author_id,
        text=clean,
    ):  # the same card submitted twice (a double click) is one card
        session.add(
            JourneyCard(
                team_id=ws.team_id,
                exercise_id=exercise_id,
                moment_id=moment.id,
                column=JourneyColumn(str(column)),
                text=clean,
                author_id=author_id,
                created_at=now,
            )
        )
    if feeling is not None:
        board_repo.rate(
            session,
            team_id=ws.team_id,
            exercise_id=exercise_id,
            moment_id=moment.id,
            user_id=author_id,
            rating=feeling,
            now=now,
        )
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return {}


@dataclass(frozen=True)
class BallotCard:
    id: int
    moment: str
    text: str
    mine: int  # the voter's votes on it
    total: int


@dataclass(frozen=True)
class Ballot:
    exercise_id: int
    number: int
    task: str
    allowed: int
    spent: int
    open: bool  # still in the vote phase
    cards: tuple[BallotCard, ...]

    @property
    def remaining(self) -> int:
        return max(0, self.allowed - self.spent)


def ballot(session: Session, *, ws: Workspace, exercise_id: int, user_id: str) -> Ballot:
    """The member's personal ballot: tomorrow cards by moment, their votes and what is left."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    names = {
        m.id: m.name for m in board_repo.moments(session, team_id=ws.team_id, exercise_id=row.id)
    }
    totals = board_repo.vote_counts(session, team_id=ws.team_id, exercise_id=row.id)
    mine = board_repo.my_votes(session, team_id=ws.team_id, exercise_id=row.id, user_id=user_id)
    order = {moment_id: index for index, moment_id in enumerate(names)}
    tomorrow = sorted(
        (
            card
            for card in board_repo.cards(session, team_id=ws.team_id, exercise_id=row.id)
            if card.column == JourneyColumn.tomorrow and card.moment_id in names
        ),
        key=lambda card: (order[card.moment_id], card.id),
    )
    cards = tuple(
        BallotCard(
            card.id, names[card.moment_id], card.text, mine.get(card.id, 0), totals.get(card.id, 0)
        )
        for card in tomorrow
    )
    return Ballot(
        exercise_id=row.id,
        number=row.number,
        task=row.task,
        allowed=row.votes_per_member,
        spent=board_repo.spent(session, team_id=ws.team_id, exercise_id=row.id, user_id=user_id),
        open=Phase(row.phase.value) is Phase.VOTE,
        cards=cards,
    )


def vote(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    card_id: int,
    user_id: str,
    expected_spent: int,
    take_back: bool,
    now: datetime,
) -> Ballot:
    """Put one vote on a tomorrow card, or take one back.

    `expected_spent` is what the ballot showed when the person clicked: a click delivered
    twice, or a second click on a stale ballot, finds the ballot changed and does nothing.
    The ballot row is locked first, so two clicks at once can never spend past the limit.
    """
    row = load(session, ws=ws, exercise_id=exercise_id)
    _open(row, Phase.VOTE)
    card = board_repo.get_card(session, team_id=ws.team_id, card_id=card_id)
    if card is None or card.exercise_id != row.id or card.column != JourneyColumn.tomorrow:
        raise JourneyError(rules.CARD_GONE)
    held = board_repo.locked_ballot(
        session, team_id=ws.team_id, exercise_id=row.id, user_id=user_id
    )
    if held.spent == expected_spent:
        if take_back:
            if board_repo.take_back_vote(
                session, team_id=ws.team_id, card_id=card.id, voter_id=user_id
            ):
                held.spent -= 1
        elif held.spent < row.votes_per_member:
            board_repo.add_vote(
                session,
                team_id=ws.team_id,
                exercise_id=row.id,
                card_id=card.id,
                voter_id=user_id,
                now=now,
            )
            held.spent += 1
        session.flush()
        refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return ballot(session, ws=ws, exercise_id=exercise_id, user_id=user_id)
