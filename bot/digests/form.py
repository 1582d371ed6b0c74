"""The digest's settings form (`/journey digest` without arguments), checked field by field so
each error is shown under its own input; plain values in, a schedule or errors out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.digests.schedule import DigestSchedule, wall_time, zone_of
from bot.errors import DomainError
from bot.i18n import N_


class DigestField(StrEnum):
    """block_id == field name, so an error lands under its input."""

    weekday = "digest-weekday"
    time = "digest-time"
    timezone = "digest-timezone"
    enabled = "digest-enabled"


ON, OFF = "on", "off"
_HHMM = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
PICK_A_DAY = N_("Pick the day the digest is posted.")
PICK_A_TIME = N_("Pick a time, such as 09:00.")
ON_OR_OFF = N_("Say whether the digest is on or off.")


@dataclass(frozen=True)
class DigestForm:
    """What the person submitted, as Slack sent it (strings; empty when left blank)."""

    weekday: str
    time: str
    timezone: str
    enabled: str


@dataclass(frozen=True)
class CheckedForm:
    schedule: DigestSchedule | None
    enabled: bool
    errors: dict[str, str] = field(default_factory=dict)  # block_id -> msgid


def check_form(form: DigestForm) -> CheckedForm:
    """The schedule the form asks for, or an error per field that can't be read."""
    errors: dict[str, str] = {}
    weekday = int(form.weekday) if form.weekday.isdigit() and int(form.weekday) < 7 else None
    if weekday is None:
        errors[DigestField.weekday] = PICK_A_DAY
    at = None
    if match := _HHMM.match(form.time.strip()):
        try:
            at = wall_time(int(match["hour"]), int(match["minute"]))
        except DomainError as error:
            errors[DigestField.time] = error.message
    else:
        errors[DigestField.time] = PICK_A_TIME
    timezone = form.timezone.strip()
    try:
        zone_of(timezone)
    except DomainError as error:
        errors[DigestField.timezone] = error.message
    if form.enabled not in (ON, OFF):
        errors[DigestField.enabled] = ON_OR_OFF
    if errors or weekday is None or at is None:
        return CheckedForm(schedule=None, enabled=form.enabled == ON, errors=errors)
    schedule = DigestSchedule(weekday=weekday, at=at, timezone=timezone)
    return CheckedForm(schedule=schedule, enabled=form.enabled == ON)
