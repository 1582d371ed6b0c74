"""Handing the facilitator's role to another member of the exercise's channel.

Channel membership is a Slack fact the listener checks; the rules here are the stored ones:
only the current facilitator hands over, to someone else, while the exercise is open. The
exercise message is updated in place (it names the facilitator) and the new facilitator is
told in a direct message, both through the outbox in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.journeys import rules
from bot.journeys.board import Phase
from bot.journeys.outbox import HAND_OVER, HandOver
from bot.journeys.rules import Field, JourneyError
from bot.journeys.usecases import load, refresh_message
from bot.tenancy import Workspace


def hand_over(
    session: Session,
    *,
    ws: Workspace,
    exercise_id: int,
    actor_id: str,
    to_user: str | None,
    now: datetime,
) -> dict[str, str]:
    """Make `to_user` the facilitator. Errors by field, or {}.

    A submission delivered twice finds the role already handed over, and does nothing more.
    """
    row = load(session, ws=ws, exercise_id=exercise_id, lock=True)
    if Phase(row.phase.value) is Phase.CLOSED:
        raise JourneyError(rules.CLOSED)
    if to_user is not None and row.facilitator_id == to_user and actor_id != to_user:
        return {}  # the same hand-over, delivered again
    if row.facilitator_id != actor_id:
        raise JourneyError(rules.NOT_FACILITATOR)
    if not to_user:
        return {Field.facilitator: rules.HAND_OVER_NOT_MEMBER}
    if to_user == actor_id:
        return {Field.facilitator: rules.HAND_OVER_SELF}
    row.facilitator_id = to_user
    refresh_message(session, ws=ws, exercise_id=exercise_id, now=now)
    outbox.enqueue(
        session,
        ws=ws,
        kind=HAND_OVER,
        payload=HandOver(exercise_id=exercise_id, to_user=to_user, from_user=actor_id),
        now=now,
    )
    return {}
