"""Irritants: capture, votes, triage and closing the loop. Knows nothing of Slack.

Every function takes the session first and works inside the caller's transaction. Slack
calls that follow from a decision (fetch the message, confirm to the reporter, tell
reporters it was resolved) are written to the outbox in that same transaction, so they
happen if and only if the decision was committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.errors import DomainError
from bot.i18n import N_
from bot.irritants.outbox import (
    CONFIRM_REPORT,
    FETCH_MESSAGE,
    MARK_RESOLVED,
    NOTIFY_RESOLVED,
    UNMARK_RESOLVED,
    IrritantRef,
    ReportConfirmation,
    ResolutionNotice,
)
from bot.membership import Audience
from bot.tenancy import Workspace
from storage.enums import IrritantStatus, TextStatus
from storage.models import Irritant
from storage.repositories import irritants as repo

SHORTCUT = "shortcut"
MAX_NOTE_LENGTH = 1000
MAX_RESOLUTION_LENGTH = 1000
SEVERITIES = (1, 2, 3)


# The stored statuses; the name `Status` reads better in the rules.
Status = IrritantStatus


class IrritantError(DomainError):
    """A rule on irritants refused the change."""


@dataclass(frozen=True)
class Details:
    category: str | None
    severity: int | None
    note: str | None


@dataclass(frozen=True)
class ReportResult:
    irritant_id: int
    new_irritant: bool
    new_reporter: bool


def report(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    message_ts: str,
    reporter_id: str,
    via: str,
    now: datetime,
    thread_ts: str | None = None,
    author_id: str | None = None,
    text: str | None = None,
    details: Details | None = None,
    confirm: bool = True,
) -> ReportResult:
    """Count one reporter's gesture on a message; the same gesture twice changes nothing."""
    irritant, created = repo.get_or_create(
        session,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        channel_id=channel_id,
        message_ts=message_ts,
        thread_ts=thread_ts,
        author_id=author_id,
        now=now,
    )
    already_reporter = repo.has_voted(
        session, team_id=ws.team_id, irritant_id=irritant.id, user_id=reporter_id
    )
    added = repo.add_vote(
        session, team_id=ws.team_id, irritant_id=irritant.id, user_id=reporter_id, via=via, now=now
    )
    if added:
        irritant.last_reported_at = now
        if irritant.status == Status.withdrawn:
            reopen_by_report(session, ws, irritant, reporter_id, now)
        if not already_reporter:
            repo.add_event(
                session,
                team_id=ws.team_id,
                irritant_id=irritant.id,
                kind="reported",
                actor_id=reporter_id,
                now=now,
            )
    if thread_ts and not irritant.thread_ts:
        irritant.thread_ts = thread_ts
    if author_id and not irritant.message_author_id:
        irritant.message_author_id = author_id
    if text is not None and irritant.text_status == "pending":
        irritant.message_text = text
        irritant.text_status = TextStatus.complete
    if details is not None:
        apply_details(session, ws, irritant, details, reporter_id, now)
    if (created and irritant.text_status == "pending") or (created and irritant.permalink is None):
        outbox.enqueue(
            session,
            ws=ws,
            kind=FETCH_MESSAGE,
            payload=IrritantRef(irritant_id=irritant.id),
            now=now,
        )
    if added and not already_reporter and confirm:
        confirmation = ReportConfirmation(
            irritant_id=irritant.id, channel_id=channel_id, user_id=reporter_id
        )
        outbox.enqueue(session, ws=ws, kind=CONFIRM_REPORT, payload=confirmation, now=now)
    return ReportResult(irritant.id, created, added and not already_reporter)


def reopen_by_report(
    session: Session, ws: Workspace, irritant: Irritant, reporter_id: str, now: datetime
) -> None:
    """A withdrawn irritant someone reports again is open again."""
    _set_status(session, ws, irritant, Status.new, actor_id=reporter_id, now=now, kind="reopened")


def unreport(
    session: Session,
    *,
    ws: Workspace,
    channel_id: str,
    message_ts: str,
    reporter_id: str,
    via: str,
    now: datetime,
) -> Irritant | None:
    """Take back one gesture; an irritant left with no reporter is withdrawn."""
    irritant = repo.by_message(
        session, team_id=ws.team_id, channel_id=channel_id, message_ts=message_ts, lock=True
    )
    if irritant is None:
        return None
    removed = repo.remove_vote(
        session, team_id=ws.team_id, irritant_id=irritant.id, user_id=reporter_id, via=via
    )
    if not removed:
        return irritant
    if not repo.has_voted(
        session, team_id=ws.team_id, irritant_id=irritant.id, user_id=reporter_id
    ):
        _reporter_left(session, ws, irritant, reporter_id, now)
    return irritant


def _reporter_left(
    session: Session, ws: Workspace, irritant: Irritant, reporter_id: str, now: datetime
) -> None:
    """A reporter has no gesture left: note it, and withdraw an open irritant nobody reports."""
    repo.add_event(
        session,
        team_id=ws.team_id,
        irritant_id=irritant.id,
        kind="unreported",
        actor_id=reporter_id,
        now=now,
    )
    abandoned = not repo.reporters(session, team_id=ws.team_id, irritant_id=irritant.id)
    if abandoned and irritant.status in (Status.new, Status.acknowledged):
        _set_status(session, ws, irritant, Status.withdrawn, actor_id=None, now=now)


def validate_details(
    category: str | None, severity: str | None, note: str | None, categories: tuple[str, ...]
) -> tuple[Details | None, dict[str, str]]:
    """Check what the details modal sent; {field: msgid} on error."""
    errors: dict[str, str] = {}
    if category is not None and category not in categories:
        errors["category"] = N_("Choose one of the workspace's categories.")
    level: int | None = None
    if severity not in (None, ""):
        # Exactly what the select sends: int() would also read " 2", "02" or "٢".
        level = {str(value): value for value in SEVERITIES}.get(str(severity))
        if level is None:
            errors["severity"] = N_("Severity is 1, 2 or 3.")
    cleaned_note = (note or "").strip() or None
    if cleaned_note is not None and len(cleaned_note) > MAX_NOTE_LENGTH:
        errors["note"] = N_("A note is 1,000 characters at most: please shorten yours.")
    if errors:
        return None, errors
    return Details(category, level, cleaned_note), {}


def apply_details(
    session: Session,
    ws: Workspace,
    irritant: Irritant,
    details: Details,
    author_id: str,
    now: datetime,
) -> None:
    """Category and severity are the irritant's; the note is the author's own.

    Each version of a note is kept in the history (a `details` event carrying it), so saving
    never loses what someone wrote before.
    """
    irritant.category = details.category
    irritant.severity = details.severity
    changed = repo.set_note(
        session,
        team_id=ws.team_id,
        irritant_id=irritant.id,
        user_id=author_id,
        note=details.note,
        now=now,
    )
    if changed:
        repo.add_event(
            session,
            team_id=ws.team_id,
            irritant_id=irritant.id,
            kind="details",
            actor_id=author_id,
            now=now,
            note=details.note,
        )


def update_details(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    details: Details,
    actor_id: str,
    now: datetime,
    audience: Audience | None = None,
) -> Irritant:
    irritant = get(session, ws=ws, irritant_id=irritant_id, audience=audience)
    before = (irritant.category, irritant.severity)
    apply_details(session, ws, irritant, details, actor_id, now)
    if (irritant.category, irritant.severity) != before:
        repo.add_event(
            session,
            team_id=ws.team_id,
            irritant_id=irritant.id,
            kind="details",
            actor_id=actor_id,
            now=now,
        )
    return irritant


GONE = N_("This irritant no longer exists.")
NOT_YOURS = N_(
    "This irritant comes from a channel you're not a member of, so I can't show it to you."
)


def get(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    lock: bool = False,
    audience: Audience | None = None,
) -> Irritant:
    """The workspace's irritant; `lock` before a check-then-write (see repo._locked).

    With `audience`, only if that reader may see its channel: a button's value is written by
    the client, so an id alone never shows a private channel's message to a non-member.
    """
    irritant = repo.by_id(session, team_id=ws.team_id, irritant_id=irritant_id, lock=lock)
    if irritant is None:
        raise IrritantError(GONE)
    if audience is not None and not audience.can_see(irritant.channel_id):
        raise IrritantError(NOT_YOURS)
    return irritant


def _set_status(
    session: Session,
    ws: Workspace,
    irritant: Irritant,
    status: Status,
    *,
    actor_id: str | None,
    now: datetime,
    kind: str | None = None,
    note: str | None = None,
) -> None:
    irritant.status = status
    irritant.status_changed_at = now
    repo.add_event(
        session,
        team_id=ws.team_id,
        irritant_id=irritant.id,
        kind=kind or str(status),
        actor_id=actor_id,
        now=now,
        note=note,
    )


def acknowledge(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    actor_id: str,
    now: datetime,
    audience: Audience | None = None,
) -> Irritant:
    irritant = get(session, ws=ws, irritant_id=irritant_id, lock=True, audience=audience)
    if irritant.status != Status.new:
        raise IrritantError(N_("Only a new irritant can be acknowledged."))
    _set_status(session, ws, irritant, Status.acknowledged, actor_id=actor_id, now=now)
    return irritant


def validate_resolution(note: str | None) -> tuple[str | None, dict[str, str]]:
    cleaned = (note or "").strip()
    if not cleaned:
        return None, {
            "resolution": N_("Say what was done: the people who reported it will read it.")
        }
    if len(cleaned) > MAX_RESOLUTION_LENGTH:
        return None, {"resolution": N_("A note is 1,000 characters at most: please shorten yours.")}
    return cleaned, {}


def resolve(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    actor_id: str,
    note: str,
    now: datetime,
    audience: Audience | None = None,
) -> Irritant:
    """Resolve and close the loop: every reporter is told, the message is marked."""
    irritant = get(session, ws=ws, irritant_id=irritant_id, lock=True, audience=audience)
    if irritant.status not in (Status.new, Status.acknowledged):
        raise IrritantError(N_("Only an open irritant can be resolved."))
    irritant.resolution_note = note
    _set_status(session, ws, irritant, Status.resolved, actor_id=actor_id, now=now, note=note)
    for reporter_id in repo.reporters(session, team_id=ws.team_id, irritant_id=irritant.id):
        notice = ResolutionNotice(irritant_id=irritant.id, user_id=reporter_id)
        outbox.enqueue(session, ws=ws, kind=NOTIFY_RESOLVED, payload=notice, now=now)
    mark = IrritantRef(irritant_id=irritant.id)
    outbox.enqueue(session, ws=ws, kind=MARK_RESOLVED, payload=mark, now=now)
    return irritant


def reopen(
    session: Session,
    *,
    ws: Workspace,
    irritant_id: int,
    actor_id: str,
    now: datetime,
    audience: Audience | None = None,
) -> Irritant:
    """Open again; a resolved irritant loses its resolved mark (the ✅ and the thread reply)."""
    irritant = get(session, ws=ws, irritant_id=irritant_id, lock=True, audience=audience)
    if irritant.status not in (Status.resolved, Status.acknowledged, Status.withdrawn):
        raise IrritantError(N_("This irritant is already open."))
    was_resolved = irritant.status == Status.resolved
    _set_status(session, ws, irritant, Status.new, actor_id=actor_id, now=now, kind="reopened")
    if was_resolved:
        unmark = IrritantRef(irritant_id=irritant.id)
        outbox.enqueue(session, ws=ws, kind=UNMARK_RESOLVED, payload=unmark, now=now)
    return irritant


def record_resolution_reply(
    session: Session, *, ws: Workspace, irritant_id: int, reply_ts: str | None
) -> None:
    """Remember (or, with None, forget) the bot's resolved reply in the message's thread."""
    irritant = repo.by_id(session, team_id=ws.team_id, irritant_id=irritant_id)
    if irritant is not None:
        irritant.resolution_reply_ts = reply_ts


def redact_message(
    session: Session, *, ws: Workspace, channel_id: str, message_ts: str, now: datetime, reason: str
) -> bool:
    """Forget a message's text (deleted in Slack, or past retention); counts stay."""
    irritant = repo.by_message(
        session, team_id=ws.team_id, channel_id=channel_id, message_ts=message_ts, lock=True
    )
    if irritant is None or irritant.text_status == "redacted":
        return False
    irritant.message_text = None
    irritant.text_status = TextStatus.redacted
    repo.add_event(
        session,
        team_id=ws.team_id,
        irritant_id=irritant.id,
        kind="redacted",
        actor_id=None,
        now=now,
        note=reason,
    )
    return True


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
    """What Slack told us about the message (text None: Slack would not give it)."""
    irritant = repo.by_id(session, team_id=ws.team_id, irritant_id=irritant_id)
    if irritant is not None:
        record_message_of(
            irritant, text=text, permalink=permalink, posted_at=posted_at, author_id=author_id
        )


def record_message_of(
    irritant: Irritant,
    *,
    text: str | None,
    permalink: str | None,
    posted_at: datetime | None,
    author_id: str | None,
) -> None:
    """`record_message` on an irritant already loaded."""
    if irritant.text_status == "pending":
        irritant.message_text = text
        irritant.text_status = TextStatus.complete if text is not None else TextStatus.unavailable
    irritant.permalink = permalink or irritant.permalink
    irritant.message_posted_at = posted_at or irritant.message_posted_at
    irritant.message_author_id = irritant.message_author_id or author_id


def retract(
    session: Session, *, ws: Workspace, irritant_id: int, reporter_id: str, now: datetime
) -> Irritant:
    """Undo: every gesture of this reporter on the irritant is taken back."""
    irritant = get(session, ws=ws, irritant_id=irritant_id, lock=True)
    removed = repo.remove_votes_of(
        session, team_id=ws.team_id, irritant_id=irritant.id, user_id=reporter_id
    )
    if removed:
        _reporter_left(session, ws, irritant, reporter_id, now)
    return irritant
