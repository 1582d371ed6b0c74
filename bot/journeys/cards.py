"""Cards after they are written: read one in full, edit it, delete it (with an undo).

Authors and the facilitator change cards, and only while the columns are being filled: once
voting starts, a vote counts on the text people read, so cards are frozen. A deleted card is
kept (`deleted_at`) so its deletion can be undone, the way moments are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.journeys import rules
from bot.journeys.board import Column, Phase
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import load, refresh_message
from bot.tenancy import Workspace
from storage.enums import JourneyColumn
from storage.models import JourneyCard, JourneyExercise
from storage.repositories import journey_boards as board_repo


@dataclass(frozen=True)
class CardText:
    """One card as its reader sees it: where it is, and its whole text."""

    id: int
    moment: str
    column: Column
    text: str
    author_id: str | None  # None on anonymous boards


@dataclass(frozen=True)
class EditableCards:
    """The cards a person may change: their own, or every card for the facilitator."""

    exercise_id: int
    facilitator: bool
    changeable: bool  # the columns phase is open
    cards: tuple[CardText, ...]


def _card(session: Session, ws: Workspace, row: JourneyExercise, card_id: int) -> JourneyCard:
    card = board_repo.get_card(session, team_id=ws.team_id, card_id=card_id)
    if card is None or card.exercise_id != row.id:
        raise JourneyError(rules.CARD_GONE)
    return card


def _may_change(row: JourneyExercise, card: JourneyCard, actor_id: str) -> None:
    if Phase(row.phase.value) is Phase.CLOSED:
        raise JourneyError(rules.CLOSED)
    if Phase(row.phase.value) is not Phase.COLUMNS:
        raise JourneyError(rules.CARDS_FROZEN)
    if actor_id not in (card.author_id, row.facilitator_id):
        raise JourneyError(rules.NOT_AUTHOR)


def read_card(session: Session, *, ws: Workspace, exercise_id: int, card_id: int) -> CardText:
    """A card's whole text (the board cuts long ones)."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    card = _card(session, ws, row, card_id)
    if card.deleted_at is not None:
        raise JourneyError(rules.CARD_GONE)
    moment = board_repo.get_moment(session, team_id=ws.team_id, moment_id=card.moment_id)
    if moment is None or moment.deleted_at is not None:
        raise JourneyError(rules.CARD_GONE)
    return CardText(
        id=card.id,
        moment=moment.name,
        column=Column(card.column.value),
        text=card.text,
        author_id=None if row.anonymous else card.author_id,
    )


def editable_cards(
    session: Session, *, ws: Workspace, exercise_id: int, user_id: str
) -> EditableCards:
    """The person's own cards, or all of them for the facilitator, in board order."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    facilitator = row.facilitator_id == user_id
    moments = board_repo.moments(session, team_id=ws.team_id, exercise_id=row.id)
    order = {moment.id: index for index, moment in enumerate(moments)}
    names = {moment.id: moment.name for moment in moments}
    rows = [
        card
        for card in board_repo.cards(session, team_id=ws.team_id, exercise_id=row.id)
        if card.moment_id in order and (facilitator or card.author_id == user_id)
    ]
    rows.sort(key=lambda card: (order[card.moment_id], card.column.value, card.id))
    return EditableCards(
        exercise_id=row.id,
        facilitator=facilitator,
        changeable=Phase(row.phase.value) is Phase.COLUMNS,
        cards=tuple(
            CardText(
                id=card.id,
                moment=names[card.moment_id],
                column=Column(card.column.value),
                text=card.text,
                author_id=None if row.anonymous else card.author_id,
            )
            for card in rows
        ),
    )


def edit_card(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    card_id: int,
    actor_id: str,
    column: str | None,
    text: str | None,
    now: datetime,
) -> dict[str, str]:
    """Change a card's text and column. Errors by field, or {} (nothing written on errors)."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    card = _card(session, ws, row, card_id)
    if card.deleted_at is not None:
        raise JourneyError(rules.CARD_GONE)
    _may_change(row, card, actor_id)
    clean = (text or "").strip()
    errors = rules.check_card(clean, column, None)
    if errors:
        return errors
    card.text = clean
    card.column = JourneyColumn(str(column))
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return {}


def delete_card(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    card_id: int,
    actor_id: str,
    now: datetime,
    undo: bool = False,
) -> str:
    """Delete a card (kept, so `undo=True` brings it back). Returns its text.

    Deleting twice (a double click) or undoing twice changes nothing more.
    """
    row = load(session, ws=ws, exercise_id=exercise_id)
    card = _card(session, ws, row, card_id)
    _may_change(row, card, actor_id)
    if undo:
        card.deleted_at = None
    elif card.deleted_at is None:
        card.deleted_at = now
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return card.text
