"""Step five of the ritual: the facilitator turns top-voted tomorrow cards into promises.

A promise made here is stored through the promises feature, linked to its exercise. A
response-time promise keeps its window (and business hours) but enforces nothing until
someone clicks "make it this channel's watch": the commitment then becomes the channel's
watch, with the same text, still linked to the exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.i18n import N_
from bot.journeys import rules
from bot.journeys.board import PROMISE_TEXT_MAX, Phase
from bot.journeys.rules import JourneyError
from bot.journeys.usecases import load, refresh_message
from bot.promises import usecases as promise_usecases
from bot.promises.rules import WatchSetup, default_hours
from bot.tenancy import Workspace
from bot.windows import BusinessHours, WindowError, parse_window
from storage.enums import JourneyColumn, PromiseKind
from storage.repositories import journey_boards as board_repo
from storage.repositories import journey_links as link_repo
from storage.repositories import promises as promises_repo
from storage.repositories.promises import Terms

CARD_FIELD = "promise_card"
TEXT_FIELD = "promise_text"
WINDOW_FIELD = "window"
CHANNEL_FIELD = "promise_channel"
BAD_WINDOW = N_(
    "Write the window as a number and a unit, such as 24h, 4h or 2d (or leave it empty)."
)
NO_CARD = N_("Pick the idea this promise comes from.")
TOO_LONG = N_("This is too long; keep it shorter.")
NOT_A_DRAFT = N_("This promise can't become a watch (it has no window, or it already is one).")


@dataclass(frozen=True)
class Idea:
    card_id: int
    text: str
    votes: int


def ideas(session: Session, *, ws: Workspace, exercise_id: int, limit: int = 25) -> list[Idea]:
    """The exercise's tomorrow cards, most voted first: what promises are made from."""
    load(session, ws=ws, exercise_id=exercise_id)
    votes = board_repo.vote_counts(session, team_id=ws.team_id, exercise_id=exercise_id)
    live = {m.id for m in board_repo.moments(session, team_id=ws.team_id, exercise_id=exercise_id)}
    cards = [
        card
        for card in board_repo.cards(session, team_id=ws.team_id, exercise_id=exercise_id)
        if card.column == JourneyColumn.tomorrow and card.moment_id in live
    ]
    cards.sort(key=lambda card: (-votes.get(card.id, 0), card.id))
    return [Idea(card.id, card.text, votes.get(card.id, 0)) for card in cards[:limit]]


def _terms(text: str, window: timedelta | None, hours: BusinessHours | None) -> Terms:
    return Terms(
        text=text,
        window_seconds=int(window.total_seconds()) if window else None,
        business_timezone=hours.timezone if hours else None,
        business_weekdays=tuple(sorted(hours.weekdays)) if hours else None,
        business_opens=hours.opens if hours else None,
        business_closes=hours.closes if hours else None,
    )


def make_promise(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    actor_id: str,
    card_id: int | None,
    text: str | None,
    channel_id: str | None,
    window: str | None,
    business_timezone: str | None,
    now: datetime,
) -> dict[str, str]:
    """Make a promise from one of the exercise's ideas. Errors by field, nothing written."""
    row = load(session, ws=ws, exercise_id=exercise_id)
    if row.facilitator_id != actor_id:
        raise JourneyError(rules.NOT_FACILITATOR)
    if Phase(row.phase.value) is not Phase.PROMISES:
        raise JourneyError(rules.WRONG_PHASE)
    card = board_repo.get_card(session, team_id=ws.team_id, card_id=card_id) if card_id else None
    if card is None or card.exercise_id != row.id or card.column != JourneyColumn.tomorrow:
        return {CARD_FIELD: NO_CARD}
    wording = (text or "").strip() or card.text
    if len(wording) > PROMISE_TEXT_MAX:
        return {TEXT_FIELD: TOO_LONG}
    parsed: timedelta | None = None
    if (window or "").strip():
        try:
            parsed = parse_window(window or "")
        except WindowError:
            return {WINDOW_FIELD: BAD_WINDOW}
    hours = default_hours(business_timezone) if parsed and business_timezone else None
    made_promise = promises_repo.add_promise(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        channel_id=channel_id or row.channel_id,
        kind=PromiseKind.commitment,
        created_by=actor_id,
        terms=_terms(wording, parsed, hours),
        now=now,
        exercise_id=row.id,
    )
    # The moment's kept rate follows the promise made from its idea.
    link_repo.mark_card_promise(
        session, team_id=ws.team_id, card_id=card.id, promise_id=made_promise.promise.id
    )
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    return {}


@dataclass(frozen=True)
class MadePromise:
    promise_id: int
    channel_id: str
    text: str
    window: timedelta | None
    is_watch: bool


def made(session: Session, *, ws: Workspace, exercise_id: int) -> list[MadePromise]:
    """The promises in force that came from this exercise, oldest first."""
    return [
        MadePromise(
            promise_id=promise.id,
            channel_id=promise.channel_id,
            text=version.text,
            window=timedelta(seconds=version.window_seconds) if version.window_seconds else None,
            is_watch=promise.kind == PromiseKind.response_time,
        )
        for promise, version in link_repo.exercise_promises(
            session, team_id=ws.team_id, exercise_id=exercise_id
        )
    ]


def make_watch(
    session: Session, *, ws: Workspace, promise_id: int, actor_id: str, now: datetime
) -> MadePromise:
    """One click: a promise with a window, made from an exercise, becomes its channel's watch.

    The commitment ends and the watch takes its place (the channel's earlier watch, if any,
    gets a new version: its history is kept by the promises feature).
    """
    current = promises_repo.current_version(
        session, team_id=ws.team_id, promise_id=promise_id, lock=True
    )
    if current is None or current.promise.exercise_id is None:
        raise JourneyError(NOT_A_DRAFT)
    promise, version = current
    exercise = load(session, ws=ws, exercise_id=current.promise.exercise_id)
    if exercise.facilitator_id != actor_id:
        raise JourneyError(rules.NOT_FACILITATOR)
    if promise.kind != PromiseKind.commitment or not version.window_seconds:
        raise JourneyError(NOT_A_DRAFT)
    draft = promise_usecases.setup_of(version)
    setup = WatchSetup(window=draft.window, hours=draft.hours, text=version.text)
    result = promise_usecases.set_watch(
        session,
        ws=ws,
        channel_id=promise.channel_id,
        setup=setup,
        actor_id=actor_id,
        now=now,
    )
    link_repo.link_promise(
        session, team_id=ws.team_id, promise_id=result.card.promise_id, exercise_id=exercise.id
    )
    link_repo.move_card_promises(
        session,
        team_id=ws.team_id,
        from_promise=promise.id,
        to_promise=result.card.promise_id,
    )
    promises_repo.end_promise(
        session, team_id=ws.team_id, promise_id=promise.id, ended_by=actor_id, now=now
    )
    return MadePromise(result.card.promise_id, promise.channel_id, version.text, setup.window, True)
