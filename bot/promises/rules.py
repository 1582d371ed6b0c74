"""What a watch is made of, its defaults, and the rules that accept or refuse one.

A watch is a channel's response-time promise: a window, optional business hours, a team, a
nudge point, acknowledgement reactions and where alerts go. The modal and the one-line
command both end here (`validate_form`, `from_one_liner`), so both refuse the same things with
the same words. Refusals are `FieldError`s: a msgid, its values, and the form field it belongs
to, translated by the handler for the reader.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Protocol

from bot.i18n import N_, Translator
from bot.watch_syntax import WatchCommand
from bot.windows import (
    DEFAULT_NUDGE_FRACTION,
    BusinessHours,
    WindowError,
    parse_window,
    window_text,
    zone_or_none,
)

# Re-exported: handlers read the team kinds from here (they never import storage).
from storage.enums import WatchTeam as WatchTeam

DEFAULT_ACK_REACTIONS = ("eyes", "white_check_mark", "heavy_check_mark")
DEFAULT_TEXT = N_("We acknowledge every request within {window}")
DEFAULT_TIMEZONE = "UTC"
MAX_TEXT_LENGTH = 300
MAX_REACTIONS = 10
MAX_TEAM_PEOPLE = 50
EMOJI_NAME = re.compile(r"^[a-z0-9_+'\-]{1,100}$")
GROUP_ID = re.compile(r"^(?:<!subteam\^)?(S[A-Z0-9]{2,})(?:\|[^<>]*)?>?$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class Field:
    """The form fields (modal block ids); refusals name the one they belong to."""

    text = "text"
    window = "window"
    business = "business"
    timezone = "timezone"
    weekdays = "weekdays"
    opens = "opens"
    closes = "closes"
    holidays = "holidays"
    team_kind = "team_kind"
    team_people = "team_people"
    team_group = "team_group"
    nudge = "nudge"
    reactions = "reactions"
    alerts = "alerts"
    alert_channel = "alert_channel"


@dataclass
class FieldError(Exception):
    """A refusal: `message` is a msgid formatted with `values`, shown next to `field`."""

    message: str
    field: str
    values: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Team:
    """Who answers: the channel's members, a user group, or named people."""

    kind: WatchTeam = WatchTeam.channel_members
    group_id: str | None = None
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchSetup:
    """A valid watch, ready to store. `text` None means the default sentence."""

    window: timedelta
    hours: BusinessHours | None = None
    team: Team = Team()
    nudge_fraction: float = DEFAULT_NUDGE_FRACTION
    ack_reactions: tuple[str, ...] = DEFAULT_ACK_REACTIONS
    alert_channel_id: str | None = None  # None: alerts go in the request's thread
    text: str | None = None


@dataclass(frozen=True)
class WatchForm:
    """What the modal sent, before validation (strings as typed, selections as chosen)."""

    text: str = ""
    window: str = ""
    business: bool = False
    timezone: str = ""
    weekdays: tuple[str, ...] = ()
    opens: str = ""
    closes: str = ""
    holidays: str = ""
    team_kind: str = WatchTeam.channel_members.value
    team_people: tuple[str, ...] = ()
    team_group: str = ""
    nudge: str = ""
    reactions: str = ""
    alerts: str = "thread"
    alert_channel: str = ""


def promise_text(text: str | None, window: timedelta | None, _: Translator) -> str:
    """The promise as a reader reads it: its own words, or the default sentence in the
    reader's language (a watch stores an empty text when it has no words of its own)."""
    if text:
        return text
    if window is None:
        return ""
    return _(DEFAULT_TEXT, window=window_text(window))


def default_hours(timezone: str | None) -> BusinessHours:
    """Monday to Friday, 09:00–17:00, in `timezone` (the person's own, usually)."""
    zone = timezone if zone_or_none(timezone) is not None else DEFAULT_TIMEZONE
    return BusinessHours(timezone=str(zone))


def from_one_liner(command: WatchCommand, *, timezone: str | None) -> WatchSetup:
    """The watch `/journey watch 4h business team @marie` describes, with the defaults.

    `business` means Monday–Friday 09:00–17:00 in the person's own time zone.
    """
    team = Team()
    if command.team_group_ids and command.team_user_ids:
        raise FieldError(N_("Name either people or one user group for the team, not both."), "team")
    if len(command.team_group_ids) > 1:
        raise FieldError(N_("Name one user group for the team, not several."), "team")
    if command.team_group_ids:
        team = Team(WatchTeam.user_group, group_id=command.team_group_ids[0])
    elif command.team_user_ids:
        if len(command.team_user_ids) > MAX_TEAM_PEOPLE:
            raise FieldError(N_("At most 50 people in a team."), "team")
        team = Team(WatchTeam.named_users, user_ids=command.team_user_ids)
    hours = default_hours(timezone) if command.business else None
    return WatchSetup(window=command.window, hours=hours, team=team)


def validate_form(form: WatchForm) -> tuple[WatchSetup | None, list[FieldError]]:
    """(setup, []) when every field is valid, else (None, every refusal, one per field)."""
    errors: list[FieldError] = []

    def refuse(message: str, where: str, /, **values: object) -> None:
        errors.append(FieldError(message, where, dict(values)))

    text = " ".join(form.text.split())
    if len(text) > MAX_TEXT_LENGTH:
        refuse(N_("The promise is at most 300 characters."), Field.text)
    window: timedelta | None = None
    try:
        window = parse_window(form.window)
    except WindowError as error:
        refuse(error.message, Field.window, **error.values)
    hours = _hours(form, refuse) if form.business else None
    team = _team(form, refuse)
    nudge = _nudge(form.nudge, refuse)
    reactions = _reactions(form.reactions, refuse)
    alert_channel: str | None = None
    if form.alerts == "team_channel":
        if not CHANNEL_ID.match(form.alert_channel):
            refuse(N_("Choose the team channel that gets the alerts."), Field.alert_channel)
        alert_channel = form.alert_channel
    elif form.alerts != "thread":
        refuse(N_("Choose where alerts go."), Field.alerts)
    if errors or window is None:
        return None, errors
    setup = WatchSetup(
        window=window,
        hours=hours,
        team=team,
        nudge_fraction=nudge,
        ack_reactions=reactions,
        alert_channel_id=alert_channel,
        text=text or None,
    )
    return setup, []


def _hours(form: WatchForm, refuse: _Refuse) -> BusinessHours | None:
    refused = False

    def no(message: str, where: str, /, **values: object) -> None:
        nonlocal refused
        refused = True
        refuse(message, where, **values)

    timezone = form.timezone.strip()
    if zone_or_none(timezone) is None:
        no(
            N_("I don't know the time zone `{zone}`: write an IANA name such as Europe/Paris."),
            Field.timezone,
            zone=timezone[:60],
        )
    weekdays = frozenset(int(day) for day in form.weekdays if day.isdigit() and int(day) < 7)
    if not weekdays:
        no(N_("Choose at least one open weekday."), Field.weekdays)
    opens = _clock(form.opens)
    closes = _clock(form.closes)
    if opens is None:
        no(N_("Choose the opening time."), Field.opens)
    if closes is None:
        no(N_("Choose the closing time."), Field.closes)
    elif opens is not None and closes != time(0) and closes <= opens:
        no(N_("Closing comes after opening, on the same day."), Field.closes)
    country = form.holidays.strip().upper() or None
    if country is not None and not COUNTRY.match(country):
        no(N_("Write a two-letter country code such as FR or US."), Field.holidays)
    elif country is not None and not _has_holidays(country):
        no(N_("I have no public holidays for `{country}`."), Field.holidays, country=country)
    if refused or opens is None or closes is None:
        return None
    return BusinessHours(timezone, weekdays, opens, closes, holiday_country=country)


def _has_holidays(country: str) -> bool:
    """Whether the `holidays` package has a calendar for this ISO country code."""
    try:
        BusinessHours("UTC", holiday_country=country)
    except Exception:  # the package raises its own error types for an unknown country
        return False
    return True


def _team(form: WatchForm, refuse: _Refuse) -> Team:
    if form.team_kind == WatchTeam.named_users:
        people = tuple(dict.fromkeys(u for u in form.team_people if USER_ID.match(u)))
        if not people:
            refuse(N_("Choose the people in the team."), Field.team_people)
        elif len(people) > MAX_TEAM_PEOPLE:
            refuse(N_("At most 50 people in a team."), Field.team_people)
        return Team(WatchTeam.named_users, user_ids=people)
    if form.team_kind == WatchTeam.user_group:
        match = GROUP_ID.match(form.team_group.strip())
        if match is None:
            refuse(
                N_("Write the user group's ID, such as S0123ABCD (in its profile in Slack)."),
                Field.team_group,
            )
            return Team()
        return Team(WatchTeam.user_group, group_id=match.group(1))
    if form.team_kind != WatchTeam.channel_members:
        refuse(N_("Choose who answers the requests."), Field.team_kind)
    return Team()


def _nudge(typed: str, refuse: _Refuse) -> float:
    text = typed.strip().rstrip("%").strip()
    if not text:
        return DEFAULT_NUDGE_FRACTION
    if not text.isdigit() or not 1 <= int(text) <= 99:
        refuse(N_("Write a percentage of the window between 1 and 99, such as 75."), Field.nudge)
        return DEFAULT_NUDGE_FRACTION
    return int(text) / 100


def _reactions(typed: str, refuse: _Refuse) -> tuple[str, ...]:
    names = [part.strip().strip(":").lower() for part in re.split(r"[,\s]+", typed) if part.strip()]
    if not names:
        return DEFAULT_ACK_REACTIONS
    if len(names) > MAX_REACTIONS:
        refuse(N_("At most 10 reactions."), Field.reactions)
    elif not all(EMOJI_NAME.match(name.strip(":")) for name in names):
        refuse(
            N_("Emoji names use lowercase letters, digits, - and _ (like eyes)."), Field.reactions
        )
    return tuple(dict.fromkeys(names))


def _clock(typed: str) -> time | None:
    """`HH:MM` as a timepicker sends it; None when empty or unreadable."""
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", typed.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


class _Refuse(Protocol):
    def __call__(self, message: str, where: str, /, **values: object) -> None: ...


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack told us of a channel (`conversations.info`), for the alert rule."""

    found: bool  # the bot can see it, in this workspace
    externally_shared: bool = False  # Slack Connect: `is_ext_shared`
    bot_is_member: bool = False


SHARED_NEEDS_TEAM_CHANNEL = N_(
    "This channel is shared with another organisation, and clients must never see nudges "
    "about themselves: choose a team channel for the alerts."
)


def alert_refusal(
    setup: WatchSetup,
    *,
    channel_id: str,
    channel: ChannelFacts,
    alert_channel: ChannelFacts | None,
) -> FieldError | None:
    """Where alerts go, checked: None when the place is fine, else why not.

    Alerts go in the request's thread by default. A channel shared with another organisation
    (Slack Connect) needs a team channel instead, and that channel must be one of ours: not
    the watched channel, not itself shared, and one the bot is in.
    """
    if setup.alert_channel_id is None:
        if channel.externally_shared:
            return FieldError(SHARED_NEEDS_TEAM_CHANNEL, Field.alert_channel)
        return None
    if setup.alert_channel_id == channel_id:
        return FieldError(
            N_("Choose a team channel other than the watched channel."), Field.alert_channel
        )
    if alert_channel is None or not alert_channel.found:
        return FieldError(
            N_("I can't see that channel: choose a channel of this workspace."),
            Field.alert_channel,
        )
    if alert_channel.externally_shared:
        return FieldError(
            N_(
                "That channel is shared with another organisation: choose one only your team reads."
            ),
            Field.alert_channel,
        )
    if not alert_channel.bot_is_member:
        return FieldError(
            N_("Invite me to that channel first, so I can post the alerts there."),
            Field.alert_channel,
        )
    return None
