"""What the irritant listeners ask for: one function per request, plain values in and out.

Each takes the session first (the runner opens the transaction) and returns dataclasses or
`{field: msgid}` error maps, never ORM rows, so nothing lazy crosses the transaction's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.home import changes as home
from bot.irritants import config as irritant_config
from bot.irritants import rules
from bot.irritants.config import IrritantConfig
from bot.irritants.rules import IrritantError
from bot.membership import Audience
from bot.pagination import Page, clamp_page
from bot.tenancy import Workspace
from storage.repositories import irritants as repo


@dataclass(frozen=True)
class IrritantCard:
    """What a list shows of one irritant."""

    id: int
    channel_id: str
    text: str | None
    text_status: str
    permalink: str | None
    status: str
    category: str | None
    severity: int | None
    reporters: int
    reported_at: datetime  # the last report
    reporter_ids: tuple[str, ...] = ()  # first reporter first


def irritant_channels(session: Session, *, ws: Workspace) -> list[str]:
    """The channels irritants come from: those whose members the audience must know."""
    return repo.channel_ids(session, team_id=ws.team_id)


def list_page(
    session: Session,
    *,
    ws: Workspace,
    open_only: bool,
    category: str | None,
    page: int,
    page_size: int,
    audience: Audience,
) -> Page[IrritantCard]:
    """One page of the ranked list of what `audience` may see; a page emptied under the
    reader shows the last one."""

    def fetch(number: int) -> tuple[list[IrritantCard], int]:
        result = repo.ranked_page(
            session,
            team_id=ws.team_id,
            open_only=open_only,
            category=category,
            offset=number * page_size,
            limit=page_size,
            channels=audience.only_channels,
        )
        names = repo.votes_for(
            session,
            team_id=ws.team_id,
            irritant_ids=[irritant.id for irritant, _count in result.irritants],
        )
        cards = [
            IrritantCard(
                id=irritant.id,
                channel_id=irritant.channel_id,
                text=irritant.message_text,
                text_status=irritant.text_status,
                permalink=irritant.permalink,
                status=irritant.status,
                category=irritant.category,
                severity=irritant.severity,
                reporters=count,
                reported_at=irritant.last_reported_at,
                reporter_ids=tuple(names.get(irritant.id, ())),
            )
            for irritant, count in result.irritants
        ]
        return cards, result.total

    return clamp_page(fetch, page=page, page_size=page_size)


@dataclass(frozen=True)
class DetailsForm:
    """What the details modal is opened with."""

    categories: tuple[str, ...]
    excerpt: str | None
    category: str | None
    severity: int | None
    note: str | None  # the reader's own note, never someone else's


def details_form(
    session: Session, *, ws: Workspace, irritant_id: int, audience: Audience
) -> DetailsForm:
    irritant = rules.get(session, ws=ws, irritant_id=irritant_id, audience=audience)
    config = irritant_config.load(session, team_id=ws.team_id)
    return DetailsForm(
        categories=config.categories,
        excerpt=irritant.message_text,
        category=irritant.category,
        severity=irritant.severity,
        note=repo.note_of(
            session, team_id=ws.team_id, irritant_id=irritant.id, user_id=audience.user_id
        ),
    )


def workspace_config(session: Session, *, ws: Workspace) -> IrritantConfig:
    return irritant_config.load(session, team_id=ws.team_id)


@dataclass(frozen=True)
class DetailsInput:
    """What the details modal sent, before validation."""

    category: str | None
    severity: str | None
    note: str | None


def _validated(
    session: Session, ws: Workspace, given: DetailsInput
) -> tuple[rules.Details | None, dict[str, str]]:
    config = irritant_config.load(session, team_id=ws.team_id)
    return rules.validate_details(given.category, given.severity, given.note, config.categories)


def edit_details(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    given: DetailsInput,
    actor_id: str,
    now: datetime,
    audience: Audience,
) -> dict[str, str]:
    """Validate and write in one go; {field: msgid} and nothing written on error."""
    details, errors = _validated(session, ws, given)
    if details is None:
        return errors
    rules.update_details(
        session,
        ws=ws,
        irritant_id=irritant_id,
        details=details,
        actor_id=actor_id,
        now=now,
        audience=audience,
    )
    return {}


@dataclass(frozen=True)
class ReportedMessage:
    """The message a shortcut report is about, as the bot kept it when the modal opened."""

    channel_id: str
    message_ts: str
    thread_ts: str | None
    author_id: str | None
    text: str | None  # None when it was too long to keep: the outbox fetches it


def report_with_details(
    session: Session,
    *,
    ws: Workspace,
    message: ReportedMessage,
    given: DetailsInput,
    reporter_id: str,
    now: datetime,
) -> dict[str, str]:
    details, errors = _validated(session, ws, given)
    if details is None:
        return errors
    rules.report(
        session,
        ws=ws,
        channel_id=message.channel_id,
        message_ts=message.message_ts,
        reporter_id=reporter_id,
        via=rules.SHORTCUT,
        now=now,
        thread_ts=message.thread_ts,
        author_id=message.author_id,
        text=message.text,
        details=details,
        confirm=True,  # a submitted modal always leads to a visible confirmation
    )
    return {}


def acknowledge(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    actor_id: str,
    now: datetime,
    audience: Audience,
) -> str | None:
    """The message's text, for the confirmation's title."""
    irritant = rules.acknowledge(
        session, ws=ws, irritant_id=irritant_id, actor_id=actor_id, now=now, audience=audience
    )
    home.channels_changed(session, ws=ws, channel_ids=[irritant.channel_id], now=now)
    return irritant.message_text


def reopen(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    actor_id: str,
    now: datetime,
    audience: Audience,
) -> str | None:
    """The message's text, for the confirmation's title."""
    irritant = rules.reopen(
        session, ws=ws, irritant_id=irritant_id, actor_id=actor_id, now=now, audience=audience
    )
    home.channels_changed(session, ws=ws, channel_ids=[irritant.channel_id], now=now)
    return irritant.message_text


def retract(
    session: Session, *, ws: Workspace, irritant_id: int, reporter_id: str, now: datetime
) -> None:
    irritant = rules.retract(
        session, ws=ws, irritant_id=irritant_id, reporter_id=reporter_id, now=now
    )
    home.channels_changed(session, ws=ws, channel_ids=[irritant.channel_id], now=now)


@dataclass(frozen=True)
class ResolveForm:
    excerpt: str | None
    reporters: int
    channel_id: str
    mark: str  # the workspace's resolved mark: "reply"/"both" post the note in the thread


def resolve_form(
    session: Session, *, ws: Workspace, irritant_id: int, audience: Audience
) -> ResolveForm:
    irritant = rules.get(session, ws=ws, irritant_id=irritant_id, audience=audience)
    reporters = repo.reporters(session, team_id=ws.team_id, irritant_id=irritant_id)
    mark = irritant_config.load(session, team_id=ws.team_id).resolved_mark
    return ResolveForm(irritant.message_text, len(reporters), irritant.channel_id, mark)


def resolve(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    note: str | None,
    actor_id: str,
    now: datetime,
    audience: Audience,
) -> dict[str, str]:
    cleaned, errors = rules.validate_resolution(note)
    if cleaned is None:
        return errors
    try:
        resolved = rules.resolve(
            session,
            ws=ws,
            irritant_id=irritant_id,
            actor_id=actor_id,
            note=cleaned,
            now=now,
            audience=audience,
        )
    except IrritantError as error:
        return {"resolution": error.message}
    home.channels_changed(session, ws=ws, channel_ids=[resolved.channel_id], now=now)
    return {}


@dataclass(frozen=True)
class IrritantSnapshot:
    """What a sender needs to know of an irritant at the moment it sends."""

    channel_id: str
    message_ts: str
    thread_ts: str | None
    text: str | None
    text_status: str
    permalink: str | None
    status: str
    resolution_note: str | None
    resolution_reply_ts: str | None
    reporters: int | None  # None unless asked for
    mark: str | None  # None unless asked for


@dataclass(frozen=True)
class SnapshotRequest:
    """One `snapshot` asked for: which irritant, and the extras the sender needs."""

    ws: Workspace
    irritant_id: int
    with_reporters: bool = False
    with_mark: bool = False


def snapshots(
    session: Session, *, requests: list[SnapshotRequest]
) -> dict[SnapshotRequest, IrritantSnapshot]:
    """`snapshot` for many requests in a few queries (absent irritants are left out).

    The outbox relay sends a group of messages at once; their senders' reads share one
    transaction instead of one each.
    """
    found: dict[SnapshotRequest, IrritantSnapshot] = {}
    by_workspace: dict[Workspace, list[SnapshotRequest]] = {}
    for request in requests:
        by_workspace.setdefault(request.ws, []).append(request)
    for ws, asked in by_workspace.items():
        ids = [request.irritant_id for request in asked]
        irritants = repo.by_ids(session, team_id=ws.team_id, irritant_ids=ids)
        counted = [r.irritant_id for r in asked if r.with_reporters and r.irritant_id in irritants]
        counts = repo.reporter_counts(session, team_id=ws.team_id, irritant_ids=counted)
        mark = (
            irritant_config.load(session, team_id=ws.team_id).resolved_mark
            if any(request.with_mark for request in asked)
            else None
        )
        for request in asked:
            irritant = irritants.get(request.irritant_id)
            if irritant is None:
                continue
            found[request] = IrritantSnapshot(
                channel_id=irritant.channel_id,
                message_ts=irritant.message_ts,
                thread_ts=irritant.thread_ts,
                text=irritant.message_text,
                text_status=irritant.text_status,
                permalink=irritant.permalink,
                status=irritant.status,
                resolution_note=irritant.resolution_note,
                resolution_reply_ts=irritant.resolution_reply_ts,
                reporters=counts.get(irritant.id, 0) if request.with_reporters else None,
                mark=mark if request.with_mark else None,
            )
    return found


def record_message(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    text: str | None,
    permalink: str | None,
    posted_at: datetime | None,
    author_id: str | None,
) -> None:
    rules.record_message(
        session,
        ws=ws,
        irritant_id=irritant_id,
        text=text,
        permalink=permalink,
        posted_at=posted_at,
        author_id=author_id,
    )


@dataclass(frozen=True)
class MessageRecord:
    """What Slack told the relay about one irritant's message (`record_message`'s input)."""

    ws: Workspace
    irritant_id: int
    text: str | None
    permalink: str | None
    posted_at: datetime | None
    author_id: str | None


def record_messages(session: Session, *, records: list[MessageRecord]) -> None:
    """`record_message` for the fetches of a relay group: one transaction, and one query
    per workspace for the irritants."""
    by_workspace: dict[Workspace, list[MessageRecord]] = {}
    for record in records:
        by_workspace.setdefault(record.ws, []).append(record)
    for ws, recorded in by_workspace.items():
        irritants = repo.by_ids(
            session, team_id=ws.team_id, irritant_ids=[r.irritant_id for r in recorded]
        )
        for record in recorded:
            irritant = irritants.get(record.irritant_id)
            if irritant is not None:
                rules.record_message_of(
                    irritant,
                    text=record.text,
                    permalink=record.permalink,
                    posted_at=record.posted_at,
                    author_id=record.author_id,
                )


def record_resolution_reply(
    session: Session, *, ws: Workspace, irritant_id: int, reply_ts: str | None
) -> None:
    rules.record_resolution_reply(session, ws=ws, irritant_id=irritant_id, reply_ts=reply_ts)
