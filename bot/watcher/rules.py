"""What a message, reaction or click means to a watched channel. Pure: no Slack, no database.

The caller describes the message (`Posted`) and the little state the rules need (the
requester's latest request in the channel, the request whose thread the message is in), and
gets back one decision. The rules, as a team lead would state them:

- A **request** is a top-level message from a person outside the team. Bots, joins and other
  subtypes, edits (`message_changed`), and the team's own messages are not requests. A file
  shared with a message and a thread reply also sent to the channel are people talking, so they
  are read like plain messages.
- Messages from the same person within the grouping interval (5 minutes by default) of their
  previous message of a request are that same request.
- A **follow-up** ("relance") is a message by the requester, top-level or in the request's
  thread, more than the grouping interval after their previous message of that request, while
  it is not yet acknowledged. A top-level message after the acknowledgement starts a new request.
- An **acknowledgement** is a thread reply by a team member, an acknowledgement reaction by a
  team member, or the "I'll take it" button. The requester and bots never acknowledge. Only the
  first one counts: it stops the clock.
- A request deleted in Slack is withdrawn.

Slack Connect: people of a partner's workspace are never team members (the team is made of
our own workspace's people), so their messages are requests like any client's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.windows import DEFAULT_NUDGE_FRACTION, BusinessHours

DEFAULT_GROUPING = timedelta(minutes=5)
DEFAULT_ACK_REACTIONS = frozenset({"eyes", "white_check_mark", "heavy_check_mark"})
# Subtypes that are still a person writing in the channel; every other subtype (joins, topic
# changes, edits, deletions, bot messages…) is not a message anyone asked something in.
PEOPLE_SUBTYPES = frozenset({"file_share", "thread_broadcast"})


class AckHow(StrEnum):
    """How a request was acknowledged (stable names: exports use them)."""

    reply = "reply"
    reaction = "reaction"
    button = "button"


@dataclass(frozen=True)
class WatchTerms:
    """What the rules need from a channel's watch (the promise version in force).

    The team is either named people (`team`), or, when `home_team` is set, everyone of that
    workspace (a watch whose team is "the channel's members from our own workspace"): then
    anyone writing from another workspace (Slack Connect) is outside the team.
    """

    team: frozenset[str]
    window: timedelta
    hours: BusinessHours | None = None
    nudge_fraction: float = DEFAULT_NUDGE_FRACTION
    ack_reactions: frozenset[str] = DEFAULT_ACK_REACTIONS
    grouping: timedelta = DEFAULT_GROUPING
    home_team: str | None = None

    def is_team(self, user_id: str, user_team: str | None) -> bool:
        """Whether the author is on the team; `user_team` is their workspace, if known."""
        if user_id in self.team:
            return True
        if self.home_team is None:
            return False
        # Slack leaves `user_team` out for people of the workspace the event is for.
        return user_team is None or user_team == self.home_team

    def __post_init__(self) -> None:
        if self.grouping < timedelta(0):
            raise ValueError(f"negative grouping interval {self.grouping!r}")
        if not 0 < self.nudge_fraction <= 1:
            raise ValueError(f"the nudge fraction must be in (0, 1], got {self.nudge_fraction}")


@dataclass(frozen=True)
class Posted:
    """A message in a watched channel, as the rules see it."""

    ts: str
    at: datetime
    user_id: str | None
    subtype: str | None = None
    thread_ts: str | None = None
    bot_id: str | None = None
    user_team: str | None = None  # the author's workspace (differs in Slack Connect)

    @property
    def in_thread(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True)
class RequestState:
    """A stored request, as much of it as the rules read."""

    ts: str
    requester: str
    last_message_at: datetime
    acknowledged: bool


# --- decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ignore:
    reason: str


@dataclass(frozen=True)
class NewRequest:
    ts: str
    requester: str
    at: datetime


@dataclass(frozen=True)
class SameRequest:
    """Another message of the request within the grouping interval."""

    request_ts: str
    at: datetime


@dataclass(frozen=True)
class FollowUp:
    request_ts: str
    at: datetime


@dataclass(frozen=True)
class Acknowledge:
    request_ts: str
    by: str
    how: AckHow
    at: datetime


@dataclass(frozen=True)
class Withdraw:
    request_ts: str


Decision = Ignore | NewRequest | SameRequest | FollowUp | Acknowledge | Withdraw


def _is_person(posted: Posted) -> str | None:
    """Why the message is not a person writing, or None when it is."""
    if posted.bot_id is not None or posted.subtype == "bot_message":
        return "bot"
    if posted.subtype is not None and posted.subtype not in PEOPLE_SUBTYPES:
        return f"subtype {posted.subtype}"
    if not posted.user_id:
        return "no author"
    return None


def read_message(
    posted: Posted,
    terms: WatchTerms,
    *,
    latest_of_author: RequestState | None,
    thread_request: RequestState | None,
) -> Decision:
    """What a new message in a watched channel means.

    Args:
        latest_of_author: the author's most recent request in this channel that was neither
            withdrawn nor dismissed, if any (only read for top-level messages).
        thread_request: the request whose thread the message is in, if any (only read for
            thread replies).
    """
    not_a_person = _is_person(posted)
    if not_a_person is not None:
        return Ignore(not_a_person)
    author = str(posted.user_id)
    if posted.in_thread:
        return _read_reply(posted, author, terms, thread_request)
    if terms.is_team(author, posted.user_team):
        return Ignore("the team's own message")
    if latest_of_author is not None and latest_of_author.requester == author:
        return _again(posted, latest_of_author, terms, top_level=True)
    return NewRequest(ts=posted.ts, requester=author, at=posted.at)


def _again(
    posted: Posted, request: RequestState, terms: WatchTerms, *, top_level: bool
) -> Decision:
    """The requester writes again: same request, follow-up, nothing, or a new request."""
    if posted.at - request.last_message_at <= terms.grouping:
        return SameRequest(request_ts=request.ts, at=posted.at)
    if not request.acknowledged:
        return FollowUp(request_ts=request.ts, at=posted.at)
    if top_level:
        return NewRequest(ts=posted.ts, requester=request.requester, at=posted.at)
    return Ignore("the requester writes after the acknowledgement")


def _read_reply(
    posted: Posted, author: str, terms: WatchTerms, request: RequestState | None
) -> Decision:
    if request is None:
        return Ignore("not in a request's thread")
    if author == request.requester:
        return _again(posted, request, terms, top_level=False)
    if not terms.is_team(author, posted.user_team):
        return Ignore("a reply by someone outside the team")
    if request.acknowledged:
        return Ignore("already acknowledged")
    return Acknowledge(request_ts=request.ts, by=author, how=AckHow.reply, at=posted.at)


def read_reaction(
    *,
    user_id: str,
    reaction: str,
    added: bool,
    at: datetime,
    terms: WatchTerms,
    request: RequestState | None,
    bot_user_ids: frozenset[str] = frozenset(),
) -> Decision:
    """An acknowledgement reaction by a team member on a request acknowledges it.

    Removing the reaction takes nothing back: the first acknowledgement stopped the clock.
    """
    if request is None:
        return Ignore("not on a request")
    if not added:
        return Ignore("a reaction removed")
    if reaction not in terms.ack_reactions:
        return Ignore("not an acknowledgement reaction")
    if user_id in bot_user_ids:
        return Ignore("bot")
    if user_id == request.requester:
        return Ignore("the requester's own reaction")
    # A reaction event does not say the reactor's workspace: with a whole-workspace team,
    # anyone but the requester (and bots) counts.
    if not terms.is_team(user_id, None):
        return Ignore("a reaction by someone outside the team")
    if request.acknowledged:
        return Ignore("already acknowledged")
    return Acknowledge(request_ts=request.ts, by=user_id, how=AckHow.reaction, at=at)


def read_take(*, user_id: str, at: datetime, request: RequestState) -> Decision:
    """ "I'll take it": whoever clicks acknowledges, except the requester."""
    if user_id == request.requester:
        return Ignore("the requester's own click")
    if request.acknowledged:
        return Ignore("already acknowledged")
    return Acknowledge(request_ts=request.ts, by=user_id, how=AckHow.button, at=at)


def read_deletion(*, deleted_ts: str, request: RequestState | None) -> Decision:
    """The request's first message deleted in Slack: the request is withdrawn."""
    if request is None or request.ts != deleted_ts:
        return Ignore("not a request")
    return Withdraw(request_ts=request.ts)
