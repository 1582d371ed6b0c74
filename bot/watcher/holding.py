"""The holding reply: "we've seen your message; we'll answer by <date>", sent in the
request's thread by someone who took the request ("I'll take it").

Acknowledging is not solving: telling the client when they will have an answer is what
keeps the promise. The reply is optional, offered to whoever took the request; the date is
checked here (not in the past, not absurdly far) and the reply goes through the outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import N_
from bot.tenancy import Workspace
from bot.watcher.outbox import HOLDING_REPLY, HoldingReply
from storage.enums import RequestStatus
from storage.repositories import requests as repo

ANSWER_BY = "answer_by"  # the modal's date field (block_id): errors name it
FURTHEST = timedelta(days=366)

PAST = N_("That date is in the past: pick today or a later day.")
TOO_FAR = N_("Pick a date within a year.")
NO_DATE = N_("Pick the date the client will have an answer by.")
GONE = N_("This request is no longer watched.")
YOURS = N_("You asked this one: someone from the team will pick it up.")


def check_answer_by(answer_by: date | None, *, today: date) -> dict[str, str]:
    """Inline errors for the date field, empty when it is fine."""
    if answer_by is None:
        return {ANSWER_BY: NO_DATE}
    if answer_by < today:
        return {ANSWER_BY: PAST}
    if answer_by - today > FURTHEST:
        return {ANSWER_BY: TOO_FAR}
    return {}


def send_holding_reply(
    session: Session,
    *,
    ws: Workspace,
    request_id: int,
    user_id: str,
    answer_by: date | None,
    today: date,
    now: datetime,
) -> dict[str, str]:
    """Queue the holding reply; returns inline errors instead when it can't be sent.

    `today` is the date where the sender is (their Slack time zone): "not in the past" is
    about their calendar, not the server's.
    """
    errors = check_answer_by(answer_by, today=today)
    if errors:
        return errors
    assert answer_by is not None
    request = repo.by_id(session, team_id=ws.team_id, request_id=request_id)
    if request is None or request.status in (RequestStatus.withdrawn, RequestStatus.dismissed):
        return {ANSWER_BY: GONE}
    if request.requester == user_id:
        return {ANSWER_BY: YOURS}
    payload = HoldingReply(request_id=request.id, by=user_id, answer_by=answer_by)
    outbox.enqueue(session, ws=ws, kind=HOLDING_REPLY, payload=payload, now=now)
    return {}
