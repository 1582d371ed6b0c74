"""Promises, their versions (a change makes a new version from that moment) and watches.

A promise belongs to a channel. Its terms live in `PromiseVersion` rows: exactly one version of
a promise has `valid_to` NULL while the promise is active, and the versions of one promise
never overlap, so a request is measured against the version in force when it arrived. A
response-time promise that is active (`ended_at` NULL) is the channel's *watch*; the unique
partial index keeps it to one per channel on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, Timestamped, UtcDateTime, WorkspaceScoped
from storage.enums import AlertPlace, PromiseKind, WatchTeam, enum_column

ONE_WATCH_WHERE = "kind = 'response_time' AND ended_at IS NULL"


class Promise(WorkspaceScoped, Timestamped, Base):
    """What a channel commits to; `ended_at` set = no longer in force (the rows are kept)."""

    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_team_channel", "team_id", "channel_id"),
        # At most one active watch per channel: the database refuses a second one, so two
        # people setting a watch at the same moment cannot both succeed.
        Index(
            "uq_promises_one_watch_per_channel",
            "team_id",
            "channel_id",
            unique=True,
            sqlite_where=text(ONE_WATCH_WHERE),
            postgresql_where=text(ONE_WATCH_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[PromiseKind] = mapped_column(enum_column(PromiseKind, "kind"))
    created_by: Mapped[str] = mapped_column(String(32))
    # The journey exercise the promise came from (journeys reference it); NULL when made
    # directly, with `/journey watch` for instance.
    exercise_id: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(32))
    # A watch is paused while the bot is out of a channel it needs (the watched channel, or
    # the team channel its alerts go to): `paused_channel_id` is that channel, and the bot
    # joining it again resumes the watch. `pause_reason` is what Slack said
    # (`channel_left`, `not_in_channel`, `is_archived`…).
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paused_channel_id: Mapped[str | None] = mapped_column(String(32))
    pause_reason: Mapped[str | None] = mapped_column(String(32))


class PromiseVersion(Base):
    """The terms of a promise from `valid_from` until `valid_to` (NULL: still in force).

    The watch columns are NULL on a commitment. On a response-time promise: the window, the
    optional business hours (all five `business_*`/`holiday_*` NULL when the clock always
    runs), the team, the nudge point, the acknowledgement reactions and where alerts go.
    """

    __tablename__ = "promise_versions"
    __table_args__ = (
        UniqueConstraint("promise_id", "number"),
        Index("ix_promise_versions_in_force", "team_id", "promise_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promises.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order they were made
    text: Mapped[str] = mapped_column(Text)  # "" on a watch: the default sentence
    made_by: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())

    window_seconds: Mapped[int | None] = mapped_column(Integer)
    business_timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name
    business_weekdays: Mapped[list[int] | None] = mapped_column(JSON)  # 0 = Monday
    business_opens: Mapped[time | None] = mapped_column(Time())  # local, naive
    business_closes: Mapped[time | None] = mapped_column(Time())  # 00:00 = midnight
    holiday_country: Mapped[str | None] = mapped_column(String(8))  # ISO 3166, e.g. "FR"
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    team_kind: Mapped[WatchTeam | None] = mapped_column(enum_column(WatchTeam, "team_kind"))
    team_group_id: Mapped[str | None] = mapped_column(String(32))  # S…, for a user group
    team_user_ids: Mapped[list[str] | None] = mapped_column(JSON)  # U…, for named people
    nudge_fraction: Mapped[float | None] = mapped_column(Float)  # of the window, 0 < f < 1
    ack_reactions: Mapped[list[str] | None] = mapped_column(JSON)  # emoji names, in order
    alert_place: Mapped[AlertPlace | None] = mapped_column(enum_column(AlertPlace, "alert_place"))
    alert_channel_id: Mapped[str | None] = mapped_column(String(32))  # for team_channel


class MemberProfile(Base):
    """What the at-work rule needs to know of a person, cached from `users.info`.

    `timezone` is Slack's `tz` (an IANA name, never the fixed `tz_offset`); refreshed on the
    `user_change` event and whenever `users.info` is read for another reason.
    """

    __tablename__ = "member_profiles"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    timezone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
