"""What a journey board is, as plain frozen values (no ORM, no Slack).

A board is one exercise seen at one instant: its task, persona and phase, its moments of
truth in order, each with its two columns of cards (*today* and *tomorrow*), the client's
feeling at that moment today, the live figures linked to it, and the promises the team made.
Storage builds one from its rows; the map and the exports only read it.

The length limits below are the modals' maximum lengths (Slack's `max_length` on the inputs)
and the limits the map is designed and tested for: a board whose every text is at its limit
still renders without overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from bot.i18n import N_

# Modals' maximum lengths, in characters as Slack counts them.
TASK_MAX = 150
PERSONA_NAME_MAX = 80
PERSONA_LINE_MAX = 150
DESCRIPTION_MAX = 1000
MOMENT_NAME_MAX = 80
NOTE_MAX = 300
CARD_TEXT_MAX = 500
PROMISE_TEXT_MAX = 300

# An exercise has at most this many moments of truth (the map is tested up to it).
MOMENTS_MAX = 25
# The client's feeling at a moment, as each member rates it: -2 (very bad) to +2 (very good).
FEELING_MIN = -2
FEELING_MAX = 2
# Votes each member spends on tomorrow cards unless the facilitator says otherwise.
VOTES_PER_MEMBER_DEFAULT = 3


class Touchpoint(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    DOCUMENT = "document"
    DIGITAL = "digital"
    IN_PERSON = "in_person"


TOUCHPOINT_LABELS: dict[Touchpoint, str] = {
    Touchpoint.PHONE: N_("Phone"),
    Touchpoint.EMAIL: N_("Email"),
    Touchpoint.MEETING: N_("Meeting"),
    Touchpoint.DOCUMENT: N_("Document"),
    Touchpoint.DIGITAL: N_("Digital"),
    Touchpoint.IN_PERSON: N_("In person"),
}


class Column(StrEnum):
    TODAY = "today"
    TOMORROW = "tomorrow"


class Phase(StrEnum):
    """The exercise's steps, in order; each of the first three has a deadline."""

    MOMENTS = "moments"  # listing the moments of truth
    COLUMNS = "columns"  # filling today/tomorrow and rating the feeling
    VOTE = "vote"  # voting on tomorrow cards
    PROMISES = "promises"  # the facilitator turns top ideas into promises
    CLOSED = "closed"


PHASE_LABELS: dict[Phase, str] = {
    Phase.MOMENTS: N_("Listing the moments of truth"),
    Phase.COLUMNS: N_("Filling the columns"),
    Phase.VOTE: N_("Voting"),
    Phase.PROMISES: N_("Making promises"),
    Phase.CLOSED: N_("Closed"),
}


@dataclass(frozen=True)
class Feeling:
    """The client's feeling at a moment today: the mean of the members' ratings and how many.

    `mean` is None when nobody rated the moment yet.
    """

    mean: float | None = None
    count: int = 0

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("a feeling is rated by zero or more members")
        if (self.mean is None) != (self.count == 0):
            raise ValueError("a feeling has a mean exactly when somebody rated it")
        if self.mean is not None and not FEELING_MIN <= self.mean <= FEELING_MAX:
            raise ValueError(f"a feeling is between {FEELING_MIN} and {FEELING_MAX}")

    @classmethod
    def of(cls, ratings: Iterable[int]) -> Feeling:
        """Summarize the members' ratings (each -2…+2)."""
        values = list(ratings)
        for value in values:
            if not FEELING_MIN <= value <= FEELING_MAX:
                raise ValueError(f"rating {value} is not between {FEELING_MIN} and {FEELING_MAX}")
        if not values:
            return cls()
        return cls(mean=sum(values) / len(values), count=len(values))


@dataclass(frozen=True)
class Card:
    """An entry in a moment's column. `author_id` is None on anonymous boards."""

    id: int
    column: Column
    text: str
    author_id: str | None = None
    votes: int = 0

    def __post_init__(self) -> None:
        if self.votes < 0:
            raise ValueError("votes are counted from zero")
        if self.column is Column.TODAY and self.votes:
            raise ValueError("only tomorrow cards are voted on")


@dataclass(frozen=True)
class Moment:
    """A moment of truth: where the client meets the team, with its two columns of cards.

    `open_irritants` counts the irritants linked to this moment that are still open;
    `kept_rate` is the share (0…1) of the linked promises' requests acknowledged in time, or
    None while there is nothing to measure.
    """

    id: int
    position: int
    name: str
    touchpoint: Touchpoint
    note: str | None = None
    feeling: Feeling = field(default_factory=Feeling)
    open_irritants: int = 0
    kept_rate: float | None = None
    cards: tuple[Card, ...] = ()

    def __post_init__(self) -> None:
        if self.open_irritants < 0:
            raise ValueError("open irritants are counted from zero")
        if self.kept_rate is not None and not 0.0 <= self.kept_rate <= 1.0:
            raise ValueError("a kept rate is a share between 0 and 1")

    def column(self, column: Column) -> tuple[Card, ...]:
        """The cards of one column, in the order they were added."""
        return tuple(card for card in self.cards if card.column is column)

    def tomorrow_by_votes(self) -> tuple[Card, ...]:
        """Tomorrow cards, most voted first (ties: the earlier card first)."""
        return tuple(sorted(self.column(Column.TOMORROW), key=lambda card: -card.votes))


@dataclass(frozen=True)
class Persona:
    name: str
    line: str


@dataclass(frozen=True)
class Deadlines:
    """When each phase ends (time-zone aware), or None when the facilitator closes it by hand."""

    moments: datetime | None = None
    columns: datetime | None = None
    vote: datetime | None = None

    def __post_init__(self) -> None:
        for value in (self.moments, self.columns, self.vote):
            if value is not None and value.utcoffset() is None:
                raise ValueError("deadlines carry their time zone")


@dataclass(frozen=True)
class PromiseSummary:
    """A client promise made from this exercise: its text and its window (None: no window)."""

    text: str
    window: timedelta | None = None

    def __post_init__(self) -> None:
        if self.window is not None and self.window <= timedelta(0):
            raise ValueError("a promise window is positive")


@dataclass(frozen=True)
class Board:
    """One exercise as a board: what the map and the exports show."""

    number: int
    task: str
    persona: Persona
    channel_id: str
    facilitator_id: str
    phase: Phase = Phase.MOMENTS
    description: str | None = None
    deadlines: Deadlines = field(default_factory=Deadlines)
    anonymous: bool = False
    moments: tuple[Moment, ...] = ()
    promises: tuple[PromiseSummary, ...] = ()

    def __post_init__(self) -> None:
        positions = [moment.position for moment in self.moments]
        if positions != sorted(set(positions)):
            raise ValueError("moments come in the order of their distinct positions")


class RankedCard(NamedTuple):
    moment: Moment
    card: Card


def top_tomorrow_cards(board: Board, n: int) -> list[RankedCard]:
    """The `n` most voted tomorrow cards of the board with their moments, best first.

    Cards nobody voted for are not "top-voted" and never listed. Ties keep the board's order:
    the earlier moment first, then the earlier card.
    """
    if n <= 0:
        return []
    ranked = [
        RankedCard(moment, card)
        for moment in board.moments
        for card in moment.column(Column.TOMORROW)
        if card.votes > 0
    ]
    ranked.sort(key=lambda item: -item.card.votes)  # stable: board order breaks ties
    return ranked[:n]
