"""Retention with an injected clock: message text goes after N days, counts and statuses stay."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FrozenClock
from bot.core import Core
from bot.irritants import config as workspace_settings
from bot.irritants import rules as irritants
from bot.irritants.config import IrritantConfig
from bot.irritants.retention import apply_retention
from bot.irritants.rules import Status
from bot.tenancy import Workspace
from storage.models import InboundEvent
from storage.repositories import inbox
from tests.storage import T1, T2, count, event_kinds, irritant, report, reporters


def _retain(runtime: Core) -> dict[str, int]:
    return runtime.in_transaction(apply_retention, now=runtime.clock.now())


def _set_retention(runtime: Core, ws: Workspace, days: int) -> None:
    runtime.in_transaction(
        workspace_settings.save,
        team_id=ws.team_id,
        enterprise_id=ws.enterprise_id,
        config=IrritantConfig(retention_days=days),
        actor_id="U0ADMIN",
        now=runtime.clock.now(),
    )


def test_default_retention_redacts_text_older_than_180_days(
    runtime: Core, clock: FrozenClock
) -> None:
    old = report(runtime, ts="1.0", user="U0ANNA", text="old complaint").irritant_id
    report(runtime, ts="1.0", user="U0BRUNO")
    runtime.in_transaction(
        irritants.acknowledge, ws=T1, irritant_id=old, actor_id="U0CHLOE", now=clock.now()
    )
    clock.advance(timedelta(days=100))
    recent = report(runtime, ts="2.0", text="recent complaint").irritant_id
    clock.advance(timedelta(days=80))

    assert _retain(runtime) == {}  # exactly 180 days old: still kept

    clock.advance(timedelta(days=1))
    assert _retain(runtime) == {T1.team_id: 1}

    gone, kept = irritant(runtime, old), irritant(runtime, recent)
    assert (gone.message_text, gone.text_status) == (None, "redacted")
    assert gone.status == Status.acknowledged
    assert reporters(runtime, old) == ["U0ANNA", "U0BRUNO"]
    assert event_kinds(runtime, old)[-1] == "redacted"
    assert (kept.message_text, kept.text_status) == ("recent complaint", "complete")
    assert event_kinds(runtime, recent) == ["reported"]


def test_retention_runs_are_idempotent(runtime: Core, clock: FrozenClock) -> None:
    result = report(runtime, text="old")
    clock.advance(timedelta(days=200))
    assert _retain(runtime) == {T1.team_id: 1}

    assert _retain(runtime) == {}
    assert event_kinds(runtime, result.irritant_id).count("redacted") == 1


def test_retention_follows_each_workspace_setting(runtime: Core, clock: FrozenClock) -> None:
    on_default = report(runtime, ws=T1, text="T1 text").irritant_id
    short = report(runtime, ws=T2, text="T2 text").irritant_id
    _set_retention(runtime, T2, 30)

    clock.advance(timedelta(days=29))
    assert _retain(runtime) == {}

    clock.advance(timedelta(days=2))
    assert _retain(runtime) == {T2.team_id: 1}

    assert irritant(runtime, short, ws=T2).text_status == "redacted"
    assert irritant(runtime, short, ws=T2).message_text is None
    assert irritant(runtime, on_default).message_text == "T1 text"


def test_a_longer_retention_keeps_text_past_the_default(runtime: Core, clock: FrozenClock) -> None:
    result = report(runtime, text="kept a year")
    _set_retention(runtime, T1, 365)

    clock.advance(timedelta(days=200))
    assert _retain(runtime) == {}
    assert irritant(runtime, result.irritant_id).message_text == "kept a year"

    clock.advance(timedelta(days=166))
    assert _retain(runtime) == {T1.team_id: 1}


def test_irritants_without_text_are_left_alone(runtime: Core, clock: FrozenClock) -> None:
    pending = report(runtime, ts="1.0").irritant_id  # text not fetched yet
    clock.advance(timedelta(days=365))

    assert _retain(runtime) == {}
    assert irritant(runtime, pending).text_status == "pending"
    assert event_kinds(runtime, pending) == ["reported"]


def test_inbound_event_keys_older_than_a_day_are_forgotten(
    runtime: Core, clock: FrozenClock
) -> None:
    def claim(event_id: str) -> bool:
        return runtime.in_transaction(
            inbox.claim_event,
            team_id=T1.team_id,
            event_id=event_id,
            event_type="reaction_added",
            now=clock.now(),
        )

    claim("Ev0OLD")
    clock.advance(timedelta(hours=2))
    claim("Ev0RECENT")
    clock.advance(timedelta(hours=23))

    _retain(runtime)

    assert count(runtime, InboundEvent) == 1
    assert claim("Ev0RECENT") is False
    assert claim("Ev0OLD") is True
