"""The closed sets of values stored in status columns; each has a CHECK constraint."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class IrritantStatus(StrEnum):
    new = "new"
    acknowledged = "acknowledged"
    resolved = "resolved"
    withdrawn = "withdrawn"


class TextStatus(StrEnum):
    """Whether the bot holds the irritant's message text, and why not."""

    pending = "pending"  # not fetched yet
    complete = "complete"
    unavailable = "unavailable"  # Slack would not give it
    redacted = "redacted"  # deleted in Slack, or past retention


class IrritantEventKind(StrEnum):
    reported = "reported"
    unreported = "unreported"
    details = "details"
    redacted = "redacted"
    reopened = "reopened"
    new = "new"
    acknowledged = "acknowledged"
    resolved = "resolved"
    withdrawn = "withdrawn"


class ResolvedMark(StrEnum):
    """How the client's message is marked once its irritant is resolved."""

    reaction = "reaction"
    reply = "reply"
    both = "both"
    none = "none"


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A VARCHAR holding the enum's values, with a CHECK constraint named after the column.

    Not a native PostgreSQL ENUM: adding a value then needs no ALTER TYPE, only a new CHECK.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class RequestStatus(StrEnum):
    """Where a client request in a watched channel stands."""

    open = "open"  # waiting for an acknowledgement
    acknowledged = "acknowledged"
    dismissed = "dismissed"  # "Not a request" (undoable)
    withdrawn = "withdrawn"  # deleted in Slack


class AcknowledgedHow(StrEnum):
    reply = "reply"
    reaction = "reaction"
    button = "button"


class JourneyPhase(StrEnum):
    """A journey exercise's step, in order (mirrors `bot.journeys.board.Phase`)."""

    moments = "moments"
    columns = "columns"
    vote = "vote"
    promises = "promises"
    closed = "closed"


class JourneyTouchpoint(StrEnum):
    phone = "phone"
    email = "email"
    meeting = "meeting"
    document = "document"
    digital = "digital"
    in_person = "in_person"


class JourneyColumn(StrEnum):
    today = "today"
    tomorrow = "tomorrow"


class PromiseKind(StrEnum):
    """A commitment is text only; a response-time promise has a window and can be a watch."""

    commitment = "commitment"
    response_time = "response_time"


class WatchTeam(StrEnum):
    """Who answers a watched channel's requests."""

    channel_members = "channel_members"  # the channel's members from our own workspace
    user_group = "user_group"
    named_users = "named_users"


class AlertPlace(StrEnum):
    """Where a watch's nudges, escalations and digests go."""

    thread = "thread"  # in the request's thread
    team_channel = "team_channel"  # in a channel of the team (required for shared channels)
