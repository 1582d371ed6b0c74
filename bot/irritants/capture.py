"""Irritants' share of the event ingest: reactions count as reports, deletions redact.

Reactions arrive in batches (group commit), so the reports of a batch are written with a
few set-based statements (claim, irritants, votes, history, outbox) instead of several
statements per reaction; the rules are the ones `rules.report` and `rules.unreport` apply
to one reaction, applied in order in memory. Removals, rarer, go through `rules.unreport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.events import Delivery, MessageEvent, ReactionEvent, claim_all
from bot.home import changes as home
from bot.irritants import config as irritant_config
from bot.irritants import rules
from bot.irritants.outbox import (
    CONFIRM_REPORT,
    FETCH_MESSAGE,
    IrritantRef,
    ReportConfirmation,
)
from bot.tenancy import Workspace
from storage.enums import IrritantEventKind, IrritantStatus, TextStatus
from storage.models import Irritant
from storage.repositories import irritants as repo


def on_reaction(
    session: Session, *, ws: Workspace, deliveries: Sequence[Delivery[ReactionEvent]], now: datetime
) -> bool:
    """Configured emojis added are reports, removed are reports taken back."""
    config = irritant_config.load(session, team_id=ws.team_id)
    ours = [d for d in deliveries if d.event.reaction in config.emojis]
    if not ours:
        return False
    claim_all(session, ws, [d.ticket for d in ours], now)
    claimed = [d.event for d in ours if d.ticket.claim()]
    enqueued = False
    added: list[ReactionEvent] = []
    # In arrival order: a run of additions at once, each removal on its own.
    for event in [*claimed, None]:
        if event is not None and event.added:
            added.append(event)
            continue
        if added:
            enqueued = _report_all(session, ws, added, now) or enqueued
            added = []
        if event is not None:
            rules.unreport(
                session,
                ws=ws,
                channel_id=event.channel_id,
                message_ts=event.message_ts,
                reporter_id=event.user_id,
                via=event.reaction,
                now=now,
            )
    return enqueued


def _report_all(
    session: Session, ws: Workspace, reactions: list[ReactionEvent], now: datetime
) -> bool:
    """`rules.report` for each reaction, in order, with set-based reads and writes."""
    messages = list(dict.fromkeys((r.channel_id, r.message_ts) for r in reactions))
    authors = {(r.channel_id, r.message_ts): r.item_user for r in reversed(reactions)}
    created = repo.ensure_for_messages(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        messages=[(channel, ts, authors[(channel, ts)]) for channel, ts in messages],
        now=now,
    )
    irritants = repo.by_messages(session, team_id=ws.team_id, messages=messages, lock=True)
    reporters = repo.voters_among(
        session,
        team_id=ws.team_id,
        irritant_ids=[irritant.id for irritant in irritants.values()],
        user_ids=list({r.user_id for r in reactions}),
    )
    new_votes = repo.add_votes(
        session,
        team_id=ws.team_id,
        votes=[
            (irritants[(r.channel_id, r.message_ts)].id, r.user_id, r.reaction) for r in reactions
        ],
        now=now,
    )
    history: list[dict[str, object]] = []
    jobs: list[dict[str, object]] = []
    counted: set[tuple[int, str, str]] = set()
    reported: dict[int, Irritant] = {}
    for reaction in reactions:
        irritant = irritants[(reaction.channel_id, reaction.message_ts)]
        vote = (irritant.id, reaction.user_id, reaction.reaction)
        added = vote in new_votes and vote not in counted
        counted.add(vote)
        first_of_reporter = (irritant.id, reaction.user_id) not in reporters
        if added:
            reporters.add((irritant.id, reaction.user_id))
            reported[irritant.id] = irritant
            if irritant.status == IrritantStatus.withdrawn:
                rules.reopen_by_report(session, ws, irritant, reaction.user_id, now)
            if first_of_reporter:
                history.append(
                    {
                        "team_id": ws.team_id,
                        "irritant_id": irritant.id,
                        "kind": IrritantEventKind.reported,
                        "actor_id": reaction.user_id,
                        "note": None,
                        "at": now,
                    }
                )
                confirmation = ReportConfirmation(
                    irritant_id=irritant.id,
                    channel_id=reaction.channel_id,
                    user_id=reaction.user_id,
                )
                jobs.append(outbox.row(ws, CONFIRM_REPORT, confirmation))
        if reaction.item_user and not irritant.message_author_id:
            irritant.message_author_id = reaction.item_user
    for key in messages:
        irritant = irritants[key]
        if key in created and (
            irritant.text_status == TextStatus.pending or irritant.permalink is None
        ):
            # The fetch goes before the confirmations, as when each reaction was written alone.
            jobs.insert(0, outbox.row(ws, FETCH_MESSAGE, IrritantRef(irritant_id=irritant.id)))
    repo.set_last_reported(session, team_id=ws.team_id, irritants=list(reported.values()), now=now)
    repo.add_events(session, rows=history)
    outbox.enqueue_rows(session, rows=jobs, now=now)
    if history:  # a new reporter: their home lists it, leads' homes count it
        home.channels_changed(
            session, ws=ws, channel_ids={channel for channel, _ts in messages}, now=now
        )
    return bool(jobs)


def on_message(
    session: Session, *, ws: Workspace, deliveries: Sequence[Delivery[MessageEvent]], now: datetime
) -> bool:
    """Only deletions matter to irritants: the copied text goes (idempotent, so no claim)."""
    for delivery in deliveries:
        event = delivery.event
        if event.subtype != "message_deleted" or not event.deleted_ts:
            continue
        rules.redact_message(
            session,
            ws=ws,
            channel_id=event.channel_id,
            message_ts=event.deleted_ts,
            now=now,
            reason="deleted in Slack",
        )
    return False
