"""A week's promise figures: what the digest says, and the definitions behind each number.

`WeekFigures` is what storage's aggregate queries return for one channel and one week.
`figures_of` computes the same figures from plain request facts: it is the definition, written
once so the queries can be checked against it on fixture weeks, and it serves small channels.

Definitions (a request belongs to the promise version in force when it arrived, so `due_at`
is already measured against it):
- received: requests that arrived in the week, dismissed ones ("not a request") excluded;
- kept: of the requests whose deadline fell in the week, those acknowledged by the deadline
  (open requests not yet due wait for the week their deadline falls in);
- acknowledged: requests acknowledged in the week; `on_time` those acknowledged by their
  deadline; median and p90 of their time to acknowledge (business time where the promise uses
  business hours, as the watcher recorded it);
- follow-ups: the clients' follow-ups on the requests received in the week;
- breaches: requests whose deadline fell in the week without an acknowledgement by then;
- longest open wait: the oldest request still unacknowledged when the week ended;
- pickers: who acknowledged most, for thanks (never a list of who didn't).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.digests.schedule import DigestWeek

TOP_PICKERS = 3
MAX_BREACH_LINKS = 5


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """One request as the digest needs it (all instants in UTC)."""

    channel_id: str
    ts: str
    arrived_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    seconds_to_acknowledge: float | None = None
    dismissed: bool = False
    follow_ups: int = 0


@dataclass(frozen=True, slots=True)
class Breach:
    """A request the digest links to (a breach, or the longest wait still open)."""

    channel_id: str
    ts: str
    arrived_at: datetime
    permalink: str | None = None


@dataclass(frozen=True, slots=True)
class WeekFigures:
    """One channel's promise figures for one week."""

    week: DigestWeek
    received: int = 0
    due: int = 0
    kept: int = 0
    acknowledged: int = 0
    on_time: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None
    follow_ups: int = 0
    breaches: tuple[Breach, ...] = ()
    breach_count: int = 0
    longest_open_wait: timedelta | None = None
    longest_open: Breach | None = None
    pickers: tuple[tuple[str, int], ...] = field(default=())

    @property
    def kept_ratio(self) -> float | None:
        """Kept over due, or None when no deadline fell in the week."""
        return self.kept / self.due if self.due else None

    @property
    def on_time_ratio(self) -> float | None:
        return self.on_time / self.acknowledged if self.acknowledged else None

    @property
    def quiet(self) -> bool:
        """Nothing happened: the digest says so in a line instead of a wall of zeros."""
        return not (self.received or self.due or self.acknowledged or self.longest_open_wait)


def nearest_rank(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (the value at rank ceil(fraction × n)); None for no values.

    Nearest rank always returns a value that occurred, which reads better in a digest than an
    interpolated "4 h 12 min" nobody waited, and is what SQL's `percentile_disc` computes.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def figures_of(requests: Iterable[RequestFacts], week: DigestWeek) -> WeekFigures:
    """The week's figures from its channel's requests (the definition the queries follow)."""
    counted = [request for request in requests if not request.dismissed]
    in_week = [r for r in counted if week.start <= r.arrived_at < week.end]
    due = [r for r in counted if week.start <= r.due_at < week.end]
    kept = [r for r in due if _acknowledged_by(r, r.due_at)]
    acknowledged = [
        r
        for r in counted
        if r.acknowledged_at is not None and week.start <= r.acknowledged_at < week.end
    ]
    waits = [r.seconds_to_acknowledge for r in acknowledged if r.seconds_to_acknowledge is not None]
    breaches = sorted(
        (r for r in due if not _acknowledged_by(r, r.due_at)), key=lambda r: r.arrived_at
    )
    still_open = [
        r for r in counted if r.arrived_at < week.end and not _acknowledged_by(r, week.end)
    ]
    oldest = min(still_open, key=lambda r: r.arrived_at, default=None)
    pickers = Counter(r.acknowledged_by for r in acknowledged if r.acknowledged_by)
    return WeekFigures(
        week=week,
        received=len(in_week),
        due=len(due),
        kept=len(kept),
        acknowledged=len(acknowledged),
        on_time=sum(1 for r in acknowledged if _acknowledged_by(r, r.due_at)),
        median_seconds=nearest_rank(waits, 0.5),
        p90_seconds=nearest_rank(waits, 0.9),
        follow_ups=sum(r.follow_ups for r in in_week),
        breaches=tuple(_breach(r) for r in breaches[:MAX_BREACH_LINKS]),
        breach_count=len(breaches),
        longest_open_wait=(week.end - oldest.arrived_at) if oldest else None,
        longest_open=_breach(oldest) if oldest else None,
        pickers=tuple(sorted(pickers.items(), key=lambda item: (-item[1], item[0]))[:TOP_PICKERS]),
    )


def _acknowledged_by(request: RequestFacts, moment: datetime) -> bool:
    return request.acknowledged_at is not None and request.acknowledged_at <= moment


def _breach(request: RequestFacts) -> Breach:
    return Breach(channel_id=request.channel_id, ts=request.ts, arrived_at=request.arrived_at)
