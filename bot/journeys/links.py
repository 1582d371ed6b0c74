"""Irritants meet the journey: an irritant is linked to a moment of truth of an exercise of
its own channel, so the board, the map and the exports show each moment's open irritants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import N_
from bot.irritants import rules as irritant_rules
from bot.irritants import usecases as irritant_usecases
from bot.irritants.usecases import DetailsInput
from bot.membership import Audience
from bot.tenancy import Workspace
from storage.repositories import journey_links as link_repo

MOMENT_FIELD = "moment"
OPTIONS_MAX = 100  # a static select holds at most 100 options
NOT_A_MOMENT = N_("Pick a moment of an open exercise of this irritant's channel.")


@dataclass(frozen=True)
class MomentOption:
    id: int
    label: str  # "#3 Negotiating a contract · 2. First draft"


@dataclass(frozen=True)
class MomentLinks:
    current: int | None
    options: tuple[MomentOption, ...]


def moment_links(session: Session, *, ws: Workspace, irritant_id: int) -> MomentLinks:
    """The moments this irritant may be linked to (its channel's open exercises)."""
    irritant = irritant_rules.get(session, ws=ws, irritant_id=irritant_id)
    pairs = link_repo.open_moments_in_channel(
        session, team_id=ws.team_id, channel_id=irritant.channel_id
    )
    positions: dict[int, int] = {}
    options = []
    for exercise, moment in pairs[:OPTIONS_MAX]:
        positions[exercise.id] = positions.get(exercise.id, 0) + 1
        label = f"#{exercise.number} {exercise.task} · {positions[exercise.id]}. {moment.name}"
        options.append(MomentOption(moment.id, label))
    return MomentLinks(irritant.moment_id, tuple(options))


def edit_details_and_link(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    given: DetailsInput,
    moment_id: int | None,
    actor_id: str,
    now: datetime,
    audience: Audience,
) -> dict[str, str]:
    """The irritant details modal's edit: details and moment in one transaction, or neither.

    `audience`: who is asking, so an irritant of a channel they can't read stays out of reach.
    """
    if moment_id is not None:
        allowed = {
            option.id for option in moment_links(session, ws=ws, irritant_id=irritant_id).options
        }
        if moment_id not in allowed:
            return {MOMENT_FIELD: NOT_A_MOMENT}
    errors = irritant_usecases.edit_details(
        session,
        ws=ws,
        irritant_id=irritant_id,
        given=given,
        actor_id=actor_id,
        now=now,
        audience=audience,
    )
    if errors:
        return errors
    link_repo.link_irritant(
        session, team_id=ws.team_id, irritant_id=irritant_id, moment_id=moment_id
    )
    return {}
