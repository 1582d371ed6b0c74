"""The rules of a journey exercise: what a valid one is, who may do what, phase order.

Pure functions over plain values; the use cases apply them to stored rows. Field names are
the form's: a refusal names the field it belongs to, so a modal shows it on the right input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import DomainError
from bot.i18n import N_
from bot.journeys.board import (
    CARD_TEXT_MAX,
    DESCRIPTION_MAX,
    FEELING_MAX,
    FEELING_MIN,
    MOMENT_NAME_MAX,
    MOMENTS_MAX,
    NOTE_MAX,
    PERSONA_LINE_MAX,
    PERSONA_NAME_MAX,
    TASK_MAX,
    Column,
    Phase,
    Touchpoint,
)

VOTES_MAX = 10
# Default phase lengths, one after the other from the start.
DEFAULT_LENGTHS = {
    Phase.MOMENTS: timedelta(days=2),
    Phase.COLUMNS: timedelta(days=3),
    Phase.VOTE: timedelta(days=1),
}
# Members who haven't contributed are reminded once, this long before a phase's deadline.
REMINDER_LEAD = timedelta(hours=12)
# A deleted moment or card is kept this long for its Undo, then removed for good (data is
# kept only as long as needed).
DELETED_KEPT = timedelta(days=1)
ORDER = (Phase.MOMENTS, Phase.COLUMNS, Phase.VOTE, Phase.PROMISES, Phase.CLOSED)


class JourneyError(DomainError):
    """A rule on journey exercises refused the change."""


GONE = N_("This exercise no longer exists.")
NOT_MEMBER = N_("Only members of this exercise's channel can contribute to it.")
NOT_FACILITATOR = N_("Only the facilitator of this exercise can do that.")
CLOSED = N_("This exercise is closed.")
WRONG_PHASE = N_("That isn't possible in this phase of the exercise.")
MOMENT_GONE = N_("This moment of truth no longer exists.")
CARD_GONE = N_("This card no longer exists.")
NO_MOMENTS = N_("This exercise has no moments of truth yet: add one first.")
NOT_AUTHOR = N_("Only the card's author or the facilitator can change it.")
CARDS_FROZEN = N_(
    "Cards can be changed while the columns are being filled: once voting starts, votes count "
    "on what people read."
)
HAND_OVER_SELF = N_("You are already the facilitator: pick someone else.")
HAND_OVER_NOT_MEMBER = N_("Pick a member of the exercise's channel.")
HAND_OVER_NOT_PERSON = N_("Pick a person: an app can't facilitate an exercise.")
NONE_OPEN = N_("There is no open exercise in this channel. Start one with `/journey new`.")
NO_MATCH = N_("No exercise of this channel matches that. `/journey list` shows them.")


class Field:
    """Form fields a refusal may point at (the modals use them as block_ids)."""

    task = "task"
    persona_name = "persona_name"
    persona_line = "persona_line"
    description = "description"
    channel = "channel"
    moments_deadline = "moments_deadline"
    columns_deadline = "columns_deadline"
    vote_deadline = "vote_deadline"
    votes = "votes"
    name = "name"
    touchpoint = "touchpoint"
    note = "note"
    position = "position"
    moment = "moment"
    column = "column"
    text = "text"
    feeling = "feeling"
    facilitator = "facilitator"


@dataclass(frozen=True)
class NewExercise:
    task: str | None
    persona_name: str | None
    persona_line: str | None
    description: str | None
    moments_deadline: datetime | None
    columns_deadline: datetime | None
    vote_deadline: datetime | None
    votes_per_member: int | None
    anonymous: bool


def default_deadlines(now: datetime) -> tuple[datetime, datetime, datetime]:
    moments = now + DEFAULT_LENGTHS[Phase.MOMENTS]
    columns = moments + DEFAULT_LENGTHS[Phase.COLUMNS]
    return moments, columns, columns + DEFAULT_LENGTHS[Phase.VOTE]


def _length(errors: dict[str, str], field: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        errors[field] = N_("This is too long; keep it shorter.")


def check_new(given: NewExercise, now: datetime) -> dict[str, str]:
    """Inline errors for a new exercise, by field; empty when it may be created."""
    errors: dict[str, str] = {}
    if not (given.task or "").strip():
        errors[Field.task] = N_("Name the task the team does again and again.")
    _length(errors, Field.task, given.task, TASK_MAX)
    if not (given.persona_name or "").strip():
        errors[Field.persona_name] = N_("Name the client this journey is seen by.")
    _length(errors, Field.persona_name, given.persona_name, PERSONA_NAME_MAX)
    if not (given.persona_line or "").strip():
        errors[Field.persona_line] = N_("Say in one line who this client is and what they need.")
    _length(errors, Field.persona_line, given.persona_line, PERSONA_LINE_MAX)
    _length(errors, Field.description, given.description, DESCRIPTION_MAX)
    votes = given.votes_per_member
    if votes is None or not 1 <= votes <= VOTES_MAX:
        errors[Field.votes] = N_("Give each member between 1 and 10 votes.")
    previous: datetime | None = now
    for field, deadline in (
        (Field.moments_deadline, given.moments_deadline),
        (Field.columns_deadline, given.columns_deadline),
        (Field.vote_deadline, given.vote_deadline),
    ):
        if deadline is None:
            errors[field] = N_("Pick a date and time.")
        elif deadline <= now:
            errors[field] = N_("This deadline is in the past.")
        elif previous is not None and deadline <= previous:
            errors[field] = N_("This deadline must come after the one before it.")
        previous = deadline
    return errors


def check_moment(
    name: str | None, touchpoint: str | None, note: str | None, existing: list[str], count: int
) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean = (name or "").strip()
    if not clean:
        errors[Field.name] = N_("Name the moment of truth.")
    elif len(clean) > MOMENT_NAME_MAX:
        errors[Field.name] = N_("This is too long; keep it shorter.")
    elif clean.casefold() in {other.casefold() for other in existing}:
        errors[Field.name] = N_("This exercise already has a moment with that name.")
    elif count >= MOMENTS_MAX:
        errors[Field.name] = N_("An exercise holds at most 25 moments of truth.")
    if touchpoint not in {t.value for t in Touchpoint}:
        errors[Field.touchpoint] = N_("Pick where the client meets the team.")
    _length(errors, Field.note, note, NOTE_MAX)
    return errors


def check_card(text: str | None, column: str | None, feeling: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if column not in {c.value for c in Column}:
        errors[Field.column] = N_("Pick a column.")
    clean = (text or "").strip()
    if not clean and feeling is None:
        errors[Field.text] = N_("Write a card, rate the client's feeling, or both.")
    _length(errors, Field.text, clean, CARD_TEXT_MAX)
    if feeling is not None and not FEELING_MIN <= feeling <= FEELING_MAX:
        errors[Field.feeling] = N_("Rate the feeling from -2 to +2.")
    return errors


def next_phase(phase: Phase) -> Phase:
    if phase is Phase.CLOSED:
        raise JourneyError(CLOSED)
    return ORDER[ORDER.index(phase) + 1]


def phase_deadline(
    phase: Phase, moments: datetime | None, columns: datetime | None, vote: datetime | None
) -> datetime | None:
    return {Phase.MOMENTS: moments, Phase.COLUMNS: columns, Phase.VOTE: vote}.get(phase)


_NUMBER = re.compile(r"^#?(\d{1,6})$")


@dataclass(frozen=True)
class ExerciseRef:
    """How a person named an exercise: its `#n`, words of its task, or nothing (the latest)."""

    number: int | None = None
    words: tuple[str, ...] = ()

    @property
    def latest(self) -> bool:
        return self.number is None and not self.words


def parse_ref(words: list[str]) -> ExerciseRef:
    if len(words) == 1 and (match := _NUMBER.match(words[0])):
        return ExerciseRef(number=int(match.group(1)))
    return ExerciseRef(words=tuple(word.casefold() for word in words if word))


def matches(ref: ExerciseRef, number: int, task: str) -> bool:
    if ref.number is not None:
        return number == ref.number
    folded = task.casefold()
    return all(word in folded for word in ref.words)
