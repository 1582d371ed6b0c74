"""Queries for pausing and resuming watches when the bot leaves or rejoins a channel; every
one filters by team_id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.enums import PromiseKind, RequestStatus
from storage.models import ClientRequest, Promise, PromiseVersion
from storage.repositories.promises import PromiseAt


def needing_channel(session: Session, *, team_id: str, channel_id: str) -> list[PromiseAt]:
    """Active watches that need the bot in `channel_id`: the channel they watch, or the team
    channel their alerts go to; locked until commit, oldest first."""
    statement = (
        select(Promise, PromiseVersion)
        .join(PromiseVersion, PromiseVersion.promise_id == Promise.id)
        .where(
            Promise.team_id == team_id,
            PromiseVersion.team_id == team_id,
            Promise.kind == PromiseKind.response_time,
            Promise.ended_at.is_(None),
            PromiseVersion.valid_to.is_(None),
            or_(Promise.channel_id == channel_id, PromiseVersion.alert_channel_id == channel_id),
        )
        .order_by(Promise.id)
        .with_for_update(of=Promise)
    )
    return [PromiseAt(promise, version) for promise, version in session.execute(statement)]


def paused_for(session: Session, *, team_id: str, channel_id: str) -> list[PromiseAt]:
    """Active watches paused because the bot was out of `channel_id`; locked until commit."""
    statement = (
        select(Promise, PromiseVersion)
        .join(PromiseVersion, PromiseVersion.promise_id == Promise.id)
        .where(
            Promise.team_id == team_id,
            PromiseVersion.team_id == team_id,
            Promise.kind == PromiseKind.response_time,
            Promise.ended_at.is_(None),
            PromiseVersion.valid_to.is_(None),
            Promise.paused_channel_id == channel_id,
            Promise.paused_at.is_not(None),
        )
        .order_by(Promise.id)
        .with_for_update(of=Promise)
    )
    return [PromiseAt(promise, version) for promise, version in session.execute(statement)]


def unschedule_open(session: Session, *, team_id: str, promise_id: int) -> int:
    """Take the watch's open requests out of the due-work scan; returns how many."""
    statement = (
        update(ClientRequest)
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.promise_id == promise_id,
            ClientRequest.status == RequestStatus.open,
            ClientRequest.next_check_at.is_not(None),
        )
        .values(next_check_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def open_of(session: Session, *, team_id: str, promise_id: int) -> list[ClientRequest]:
    """The watch's open requests, locked until commit."""
    statement = (
        select(ClientRequest)
        .where(
            ClientRequest.team_id == team_id,
            ClientRequest.promise_id == promise_id,
            ClientRequest.status == RequestStatus.open,
        )
        .order_by(ClientRequest.id)
        .with_for_update()
    )
    return list(session.scalars(statement))


def is_paused(session: Session, *, team_id: str, promise_id: int) -> datetime | None:
    return session.scalar(
        select(Promise.paused_at).where(Promise.team_id == team_id, Promise.id == promise_id)
    )
