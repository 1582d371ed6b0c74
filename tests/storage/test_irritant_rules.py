"""The rules of bot/irritants.py: votes counted once, withdrawal, triage, redaction."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FrozenClock
from bot.core import Core
from bot.irritants import rules as irritants
from bot.irritants.outbox import CONFIRM_REPORT, FETCH_MESSAGE, MARK_RESOLVED, NOTIFY_RESOLVED
from bot.irritants.rules import Details, IrritantError, Status
from storage.models import Irritant, IrritantEvent, IrritantVote
from storage.repositories import irritants as repo
from tests.storage import (
    CHANNEL,
    T1,
    TS,
    all_at_once,
    count,
    event_kinds,
    irritant,
    outbox,
    read,
    report,
    reporters,
    totals,
    unreport,
)

CATEGORIES = ("delay", "billing", "other")


def _now(runtime: Core) -> datetime:
    return runtime.clock.now()


# --- report / unreport ------------------------------------------------------------------


def test_same_message_by_two_users_is_one_irritant_with_two_reporters(runtime: Core) -> None:
    first = report(runtime, user="U0ANNA")
    second = report(runtime, user="U0BRUNO")

    assert first.irritant_id == second.irritant_id
    assert (first.new_irritant, first.new_reporter) == (True, True)
    assert (second.new_irritant, second.new_reporter) == (False, True)
    assert count(runtime, Irritant) == 1
    assert reporters(runtime, first.irritant_id) == ["U0ANNA", "U0BRUNO"]
    assert event_kinds(runtime, first.irritant_id) == ["reported", "reported"]


def test_same_gesture_twice_changes_nothing(runtime: Core) -> None:
    first = report(runtime)
    before = totals(runtime)

    again = report(runtime)

    assert again.irritant_id == first.irritant_id
    assert (again.new_irritant, again.new_reporter) == (False, False)
    assert totals(runtime) == before
    assert count(runtime, IrritantVote) == 1
    assert event_kinds(runtime, first.irritant_id) == ["reported"]
    assert len(outbox(runtime, CONFIRM_REPORT.name)) == 1
    assert len(outbox(runtime, FETCH_MESSAGE.name)) == 1


def test_two_emojis_by_one_user_are_one_reporter(runtime: Core) -> None:
    first = report(runtime, emoji="irritant")
    second = report(runtime, emoji="rage")

    assert second.new_reporter is False
    assert count(runtime, IrritantVote) == 2
    assert reporters(runtime, first.irritant_id) == ["U0ANNA"]
    assert event_kinds(runtime, first.irritant_id) == ["reported"]
    assert len(outbox(runtime, CONFIRM_REPORT.name)) == 1


def test_shortcut_after_reaction_is_the_same_reporter(runtime: Core) -> None:
    first = report(runtime, emoji="rage")
    second = report(runtime, emoji=irritants.SHORTCUT)

    assert second.new_reporter is False
    assert reporters(runtime, first.irritant_id) == ["U0ANNA"]


def test_unreporting_one_of_two_emojis_keeps_the_reporter(runtime: Core) -> None:
    result = report(runtime, emoji="irritant")
    report(runtime, emoji="rage")

    unreport(runtime, emoji="rage")

    assert reporters(runtime, result.irritant_id) == ["U0ANNA"]
    assert irritant(runtime, result.irritant_id).status == Status.new
    assert event_kinds(runtime, result.irritant_id) == ["reported"]


def test_last_reporter_leaving_withdraws(runtime: Core, clock: FrozenClock) -> None:
    result = report(runtime, user="U0ANNA")
    report(runtime, user="U0BRUNO")

    unreport(runtime, user="U0ANNA")
    assert irritant(runtime, result.irritant_id).status == Status.new

    clock.advance(timedelta(minutes=5))
    unreport(runtime, user="U0BRUNO")

    row = irritant(runtime, result.irritant_id)
    assert row.status == Status.withdrawn
    assert row.status_changed_at == clock.now()
    assert reporters(runtime, result.irritant_id) == []
    assert event_kinds(runtime, result.irritant_id)[-3:] == [
        "unreported",
        "unreported",
        "withdrawn",
    ]


def test_acknowledged_irritant_is_withdrawn_too(runtime: Core) -> None:
    result = report(runtime)
    runtime.in_transaction(
        irritants.acknowledge,
        ws=T1,
        irritant_id=result.irritant_id,
        actor_id="U0C",
        now=_now(runtime),
    )

    unreport(runtime)

    assert irritant(runtime, result.irritant_id).status == Status.withdrawn


def test_resolved_irritant_stays_resolved_when_its_reporters_leave(runtime: Core) -> None:
    result = report(runtime)
    _resolve(runtime, result.irritant_id)

    unreport(runtime)

    assert irritant(runtime, result.irritant_id).status == Status.resolved


def test_unreport_of_something_never_reported_changes_nothing(runtime: Core) -> None:
    assert unreport(runtime) is None  # no irritant for that message
    result = report(runtime, user="U0ANNA")
    before = totals(runtime)

    unreport(runtime, user="U0BRUNO")  # never voted
    unreport(runtime, user="U0ANNA", emoji="rage")  # voted with another emoji

    assert totals(runtime) == before
    assert irritant(runtime, result.irritant_id).status == Status.new


def test_new_report_on_withdrawn_irritant_makes_it_new_again(
    runtime: Core, clock: FrozenClock
) -> None:
    result = report(runtime, user="U0ANNA")
    unreport(runtime, user="U0ANNA")
    assert irritant(runtime, result.irritant_id).status == Status.withdrawn

    clock.advance(timedelta(hours=1))
    again = report(runtime, user="U0BRUNO")

    row = irritant(runtime, result.irritant_id)
    assert again.irritant_id == result.irritant_id
    assert again.new_irritant is False
    assert row.status == Status.new
    assert row.status_changed_at == clock.now()
    assert row.last_reported_at == clock.now()
    assert reporters(runtime, result.irritant_id) == ["U0BRUNO"]
    assert event_kinds(runtime, result.irritant_id)[-2:] == ["reopened", "reported"]


def test_outbox_fetch_once_and_confirm_once_per_new_reporter(runtime: Core) -> None:
    result = report(runtime, user="U0ANNA")
    report(runtime, user="U0ANNA", emoji="rage")
    report(runtime, user="U0BRUNO")
    report(runtime, user="U0BRUNO")

    fetches = outbox(runtime, FETCH_MESSAGE.name)
    confirms = outbox(runtime, CONFIRM_REPORT.name)
    assert fetches == [(T1.team_id, "fetch_message", {"irritant_id": result.irritant_id})]
    assert [payload["user_id"] for _team, _kind, payload in confirms] == ["U0ANNA", "U0BRUNO"]
    assert all(payload["channel_id"] == CHANNEL for _team, _kind, payload in confirms)
    assert len(outbox(runtime)) == 3


def test_confirm_false_enqueues_no_confirmation(runtime: Core) -> None:
    report(runtime, user="U0ANNA", confirm=False)
    report(runtime, user="U0BRUNO", confirm=False)

    assert outbox(runtime, CONFIRM_REPORT.name) == []
    assert len(outbox(runtime, FETCH_MESSAGE.name)) == 1


def test_report_with_text_author_thread_and_details(runtime: Core) -> None:
    details = Details("billing", 2, "twice charged")
    result = report(
        runtime,
        text="I was charged twice",
        author_id="U0CLIENT",
        thread_ts="1699999999.000001",
        details=details,
    )
    row = irritant(runtime, result.irritant_id)

    assert (row.message_text, row.text_status) == ("I was charged twice", "complete")
    assert row.message_author_id == "U0CLIENT"
    assert row.thread_ts == "1699999999.000001"
    assert (row.category, row.severity, row.note) == ("billing", 2, "twice charged")
    # The text is known but the permalink is not: the message is still fetched once.
    assert len(outbox(runtime, FETCH_MESSAGE.name)) == 1


def test_record_message_fills_pending_text_only(runtime: Core) -> None:
    first = report(runtime, ts="1.1")
    second = report(runtime, ts="2.2")
    posted = _now(runtime) - timedelta(days=1)

    def record(irritant_id: int, text: str | None) -> None:
        runtime.in_transaction(
            irritants.record_message,
            ws=T1,
            irritant_id=irritant_id,
            text=text,
            permalink=f"https://acme.slack.com/archives/{CHANNEL}/p{irritant_id}",
            posted_at=posted,
            author_id="U0CLIENT",
        )

    record(first.irritant_id, "hello")
    record(first.irritant_id, "edited later")  # complete text is not replaced
    record(second.irritant_id, None)

    one, two = irritant(runtime, first.irritant_id), irritant(runtime, second.irritant_id)
    assert (one.message_text, one.text_status) == ("hello", "complete")
    assert one.permalink is not None
    assert one.message_posted_at == posted
    assert one.message_author_id == "U0CLIENT"
    assert (two.message_text, two.text_status) == (None, "unavailable")


def test_retract_takes_back_every_gesture_of_the_reporter(runtime: Core) -> None:
    result = report(runtime, emoji="irritant")
    report(runtime, emoji="rage")
    report(runtime, emoji=irritants.SHORTCUT)

    runtime.in_transaction(
        irritants.retract,
        ws=T1,
        irritant_id=result.irritant_id,
        reporter_id="U0ANNA",
        now=_now(runtime),
    )

    assert count(runtime, IrritantVote) == 0
    assert irritant(runtime, result.irritant_id).status == Status.withdrawn
    assert event_kinds(runtime, result.irritant_id) == ["reported", "unreported", "withdrawn"]


# --- concurrency ----------------------------------------------------------------------


def test_twenty_concurrent_identical_reports_count_once(runtime: Core) -> None:
    results = all_at_once(20, lambda: report(runtime))

    assert len(results) == 20
    assert len({result.irritant_id for result in results}) == 1
    assert sum(result.new_irritant for result in results) == 1
    assert sum(result.new_reporter for result in results) == 1
    assert count(runtime, Irritant) == 1
    assert count(runtime, IrritantVote) == 1
    assert count(runtime, IrritantEvent, kind="reported") == 1
    assert len(outbox(runtime, FETCH_MESSAGE.name)) == 1
    assert len(outbox(runtime, CONFIRM_REPORT.name)) == 1


def test_twenty_concurrent_reporters_are_all_counted(runtime: Core) -> None:
    users = iter(f"U{n:04d}" for n in range(20))
    results = all_at_once(20, lambda: report(runtime, user=next(users)))

    assert len({result.irritant_id for result in results}) == 1
    assert sum(result.new_irritant for result in results) == 1
    assert len(reporters(runtime, results[0].irritant_id)) == 20
    assert len(outbox(runtime, FETCH_MESSAGE.name)) == 1
    assert len(outbox(runtime, CONFIRM_REPORT.name)) == 20


def test_one_user_two_emojis_at_once_is_one_report(runtime: Core) -> None:
    report(runtime, user="U0BRUNO")  # the irritant exists: nothing else serializes the race
    emojis = iter(["irritant", "rage"] * 5)
    results = all_at_once(10, lambda: report(runtime, user="U0ANNA", emoji=next(emojis)))

    assert sum(result.new_reporter for result in results) == 1
    assert count(runtime, IrritantVote, user_id="U0ANNA") == 2
    assert count(runtime, IrritantEvent, kind="reported", actor_id="U0ANNA") == 1
    assert len(outbox(runtime, CONFIRM_REPORT.name)) == 2


def test_every_reporter_leaving_at_once_withdraws(runtime: Core) -> None:
    users = [f"U{n:04d}" for n in range(10)]
    for user in users:
        result = report(runtime, user=user)
    leaving = iter(users)

    all_at_once(10, lambda: unreport(runtime, user=next(leaving)))

    assert reporters(runtime, result.irritant_id) == []
    assert irritant(runtime, result.irritant_id).status == Status.withdrawn
    assert count(runtime, IrritantEvent, kind="withdrawn") == 1


def test_concurrent_resolves_notify_once(runtime: Core) -> None:
    result = report(runtime, user="U0ANNA")
    report(runtime, user="U0BRUNO")

    def attempt() -> bool:
        try:
            _resolve(runtime, result.irritant_id)
        except IrritantError:
            return False
        return True

    assert sum(all_at_once(10, attempt)) == 1
    assert len(outbox(runtime, NOTIFY_RESOLVED.name)) == 2
    assert len(outbox(runtime, MARK_RESOLVED.name)) == 1
    assert count(runtime, IrritantEvent, kind="resolved") == 1


# --- triage ---------------------------------------------------------------------------


def _acknowledge(runtime: Core, irritant_id: int) -> Irritant:
    return runtime.in_transaction(
        irritants.acknowledge, ws=T1, irritant_id=irritant_id, actor_id="U0CHLOE", now=_now(runtime)
    )


def _resolve(runtime: Core, irritant_id: int, note: str = "Fixed the invoice run") -> Irritant:
    return runtime.in_transaction(
        irritants.resolve,
        ws=T1,
        irritant_id=irritant_id,
        actor_id="U0CHLOE",
        note=note,
        now=_now(runtime),
    )


def _reopen(runtime: Core, irritant_id: int) -> Irritant:
    return runtime.in_transaction(
        irritants.reopen, ws=T1, irritant_id=irritant_id, actor_id="U0CHLOE", now=_now(runtime)
    )


def _withdrawn(runtime: Core) -> int:
    result = report(runtime)
    unreport(runtime)
    return result.irritant_id


def test_acknowledge_a_new_irritant(runtime: Core, clock: FrozenClock) -> None:
    result = report(runtime)
    clock.advance(timedelta(minutes=3))

    _acknowledge(runtime, result.irritant_id)

    row = irritant(runtime, result.irritant_id)
    assert row.status == Status.acknowledged
    assert row.status_changed_at == clock.now()
    assert event_kinds(runtime, result.irritant_id) == ["reported", "acknowledged"]


@pytest.mark.parametrize("state", ["acknowledged", "resolved", "withdrawn"])
def test_acknowledge_only_from_new(runtime: Core, state: str) -> None:
    if state == "withdrawn":
        irritant_id = _withdrawn(runtime)
    else:
        irritant_id = report(runtime).irritant_id
        _acknowledge(runtime, irritant_id)
        if state == "resolved":
            _resolve(runtime, irritant_id)
    before = totals(runtime)

    with pytest.raises(IrritantError, match="Only a new irritant can be acknowledged"):
        _acknowledge(runtime, irritant_id)

    assert irritant(runtime, irritant_id).status == state
    assert totals(runtime) == before


@pytest.mark.parametrize("acknowledged_first", [False, True])
def test_resolve_tells_each_reporter_once_and_marks_the_message(
    runtime: Core, acknowledged_first: bool
) -> None:
    result = report(runtime, user="U0ANNA", emoji="irritant")
    report(runtime, user="U0ANNA", emoji="rage")
    report(runtime, user="U0BRUNO")
    if acknowledged_first:
        _acknowledge(runtime, result.irritant_id)

    _resolve(runtime, result.irritant_id, note="Invoices fixed")

    row = irritant(runtime, result.irritant_id)
    assert row.status == Status.resolved
    assert row.resolution_note == "Invoices fixed"
    notified = outbox(runtime, NOTIFY_RESOLVED.name)
    assert [payload for _t, _k, payload in notified] == [
        {"irritant_id": result.irritant_id, "user_id": "U0ANNA"},
        {"irritant_id": result.irritant_id, "user_id": "U0BRUNO"},
    ]
    assert [p for _t, _k, p in outbox(runtime, MARK_RESOLVED.name)] == [
        {"irritant_id": result.irritant_id}
    ]


def test_resolve_twice_is_refused_and_sends_nothing_more(runtime: Core) -> None:
    result = report(runtime)
    _resolve(runtime, result.irritant_id)
    before = totals(runtime)

    with pytest.raises(IrritantError, match="Only an open irritant can be resolved"):
        _resolve(runtime, result.irritant_id, note="again")

    assert totals(runtime) == before
    assert irritant(runtime, result.irritant_id).resolution_note == "Fixed the invoice run"


def test_a_withdrawn_irritant_cannot_be_resolved(runtime: Core) -> None:
    irritant_id = _withdrawn(runtime)
    before = totals(runtime)

    with pytest.raises(IrritantError, match="Only an open irritant can be resolved"):
        _resolve(runtime, irritant_id)

    assert totals(runtime) == before


@pytest.mark.parametrize("state", ["acknowledged", "resolved", "withdrawn"])
def test_reopen_brings_back_to_new(runtime: Core, clock: FrozenClock, state: str) -> None:
    if state == "withdrawn":
        irritant_id = _withdrawn(runtime)
    else:
        irritant_id = report(runtime).irritant_id
        _acknowledge(runtime, irritant_id)
        if state == "resolved":
            _resolve(runtime, irritant_id)
    clock.advance(timedelta(days=2))

    _reopen(runtime, irritant_id)

    row = irritant(runtime, irritant_id)
    assert row.status == Status.new
    assert row.status_changed_at == clock.now()
    assert event_kinds(runtime, irritant_id)[-1] == "reopened"


def test_reopen_of_an_open_irritant_is_refused(runtime: Core) -> None:
    result = report(runtime)
    before = totals(runtime)

    with pytest.raises(IrritantError, match="This irritant is already open"):
        _reopen(runtime, result.irritant_id)

    assert totals(runtime) == before


def test_unknown_irritant_is_refused(runtime: Core) -> None:
    with pytest.raises(IrritantError, match="This irritant no longer exists"):
        _acknowledge(runtime, 424242)
    with pytest.raises(IrritantError, match="This irritant no longer exists"):
        runtime.in_transaction(irritants.get, ws=T1, irritant_id=424242)


def test_update_details_is_recorded(runtime: Core) -> None:
    result = report(runtime)

    runtime.in_transaction(
        irritants.update_details,
        ws=T1,
        irritant_id=result.irritant_id,
        details=Details("delay", 3, "a week late"),
        actor_id="U0ANNA",
        now=_now(runtime),
    )

    row = irritant(runtime, result.irritant_id)
    assert (row.category, row.severity, row.note) == ("delay", 3, "a week late")
    assert event_kinds(runtime, result.irritant_id)[-1] == "details"


# --- validation -----------------------------------------------------------------------


def test_validate_details_accepts_good_input() -> None:
    details, errors = irritants.validate_details("delay", "2", "  late again  ", CATEGORIES)
    assert errors == {}
    assert details == Details("delay", 2, "late again")


def test_validate_details_everything_is_optional() -> None:
    assert irritants.validate_details(None, None, None, CATEGORIES) == (
        Details(None, None, None),
        {},
    )
    assert irritants.validate_details(None, "", "   ", CATEGORIES) == (
        Details(None, None, None),
        {},
    )


def test_validate_details_reports_every_bad_field() -> None:
    details, errors = irritants.validate_details("weather", "5", "x" * 1001, CATEGORIES)
    assert details is None
    assert set(errors) == {"category", "severity", "note"}


@pytest.mark.parametrize("severity", ["0", "4", "-1", "two", "1.5", " "])
def test_validate_details_refuses_bad_severity(severity: str) -> None:
    assert irritants.validate_details(None, severity, None, CATEGORIES) == (
        None,
        {"severity": "Severity is 1, 2 or 3."},
    )


_fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fast
@given(st.text(min_size=1001, max_size=1500).filter(lambda s: len(s.strip()) > 1000))
def test_any_note_over_1000_characters_is_refused(note: str) -> None:
    details, errors = irritants.validate_details(None, None, note, CATEGORIES)
    assert details is None
    assert set(errors) == {"note"}


@_fast
@given(
    st.one_of(
        st.text(max_size=20),
        # Near misses: what int() would read as 1, 2 or 3 but a select never sends.
        st.from_regex(r"\A\s*[+-]?0*[123]_?0*\s*\Z").filter(lambda s: s not in ("1", "2", "3")),
        st.sampled_from(["٢", "２", " 1", "01", "+3", "1\n"]),
    ).filter(lambda s: s not in ("", "1", "2", "3"))
)
def test_any_other_severity_is_refused(severity: str) -> None:
    details, errors = irritants.validate_details(None, severity, None, CATEGORIES)
    assert details is None
    assert set(errors) == {"severity"}


@_fast
@given(
    st.sampled_from((None, *CATEGORIES)),
    st.sampled_from((None, 1, 2, 3)),
    st.text(max_size=1000).map(str.strip),
)
def test_valid_details_round_trip(category: str | None, severity: int | None, note: str) -> None:
    raw_severity = None if severity is None else str(severity)
    details, errors = irritants.validate_details(category, raw_severity, note, CATEGORIES)
    assert errors == {}
    assert details == Details(category, severity, note or None)


def test_validate_resolution() -> None:
    assert irritants.validate_resolution("  Refunded  ") == ("Refunded", {})
    for empty in (None, "", "   \n "):
        cleaned, errors = irritants.validate_resolution(empty)
        assert cleaned is None
        assert set(errors) == {"resolution"}
    cleaned, errors = irritants.validate_resolution("y" * 1001)
    assert cleaned is None
    assert set(errors) == {"resolution"}
    assert irritants.validate_resolution("y" * 1000) == ("y" * 1000, {})


@_fast
@given(st.text(min_size=1, max_size=1000).filter(lambda s: s.strip() == s and s != ""))
def test_valid_resolution_round_trips(note: str) -> None:
    assert irritants.validate_resolution(note) == (note, {})


# --- redaction --------------------------------------------------------------------------


def _redact(runtime: Core, reason: str = "message_deleted") -> bool:
    return runtime.in_transaction(
        irritants.redact_message,
        ws=T1,
        channel_id=CHANNEL,
        message_ts=TS,
        now=_now(runtime),
        reason=reason,
    )


def test_redact_message_forgets_the_text_and_keeps_the_counts(runtime: Core) -> None:
    result = report(runtime, user="U0ANNA", text="my card was charged twice")
    report(runtime, user="U0BRUNO")
    _acknowledge(runtime, result.irritant_id)

    assert _redact(runtime) is True

    row = irritant(runtime, result.irritant_id)
    assert (row.message_text, row.text_status) == (None, "redacted")
    assert row.status == Status.acknowledged
    assert reporters(runtime, result.irritant_id) == ["U0ANNA", "U0BRUNO"]
    kinds = event_kinds(runtime, result.irritant_id)
    assert kinds[-1] == "redacted"
    snapshot = totals(runtime)

    assert _redact(runtime) is False
    assert totals(runtime) == snapshot


def test_redact_of_an_unknown_message_does_nothing(runtime: Core) -> None:
    assert _redact(runtime) is False
    assert totals(runtime) == (0, 0, 0, 0)


def test_text_arriving_after_redaction_is_not_stored(runtime: Core) -> None:
    result = report(runtime)
    _redact(runtime)

    report(runtime, user="U0BRUNO", text="late copy")
    runtime.in_transaction(
        irritants.record_message,
        ws=T1,
        irritant_id=result.irritant_id,
        text="late fetch",
        permalink=None,
        posted_at=None,
        author_id=None,
    )

    row = irritant(runtime, result.irritant_id)
    assert (row.message_text, row.text_status) == (None, "redacted")


# --- ranking ----------------------------------------------------------------------------


def test_ranked_page_orders_by_reporters_then_recency(runtime: Core, clock: FrozenClock) -> None:
    one = report(runtime, ts="1.0", user="U1", details=Details("delay", None, None))
    clock.advance(timedelta(minutes=1))
    two = report(runtime, ts="2.0", user="U1", details=Details("billing", None, None))
    report(runtime, ts="2.0", user="U2")
    clock.advance(timedelta(minutes=1))
    three = report(runtime, ts="3.0", user="U1", details=Details("Delay", None, None))
    _resolve(runtime, three.irritant_id)

    def page(**kwargs: object) -> tuple[list[tuple[int, int]], int]:
        arguments: dict[str, object] = {
            "team_id": T1.team_id,
            "open_only": False,
            "category": None,
            "offset": 0,
            "limit": 10,
        }
        arguments.update(kwargs)
        result = read(runtime, lambda s: repo.ranked_page(s, **arguments))  # type: ignore[arg-type]
        return [(row.id, reporters) for row, reporters in result.irritants], result.total

    assert page() == ([(two.irritant_id, 2), (three.irritant_id, 1), (one.irritant_id, 1)], 3)
    assert page(open_only=True) == ([(two.irritant_id, 2), (one.irritant_id, 1)], 2)
    assert page(category="DELAY") == ([(three.irritant_id, 1), (one.irritant_id, 1)], 2)
    assert page(offset=1, limit=1) == ([(three.irritant_id, 1)], 3)
