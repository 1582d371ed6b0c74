"""Weekly digests over signed HTTP against the stand-in, with the injected clock: the schedule
in English and French, 09:00 local across the DST changes of two time zones, exactly once, a
missed week, the figures of a fixture week, the chart in the thread, quiet weeks, preview, off,
Slack Connect, the journey exercises in progress and the promises made in the week."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.channel_locale import save_channel_locale
from bot.digests.feature import FEATURE
from bot.scheduler import run_job
from bot.tenancy import Workspace
from storage.enums import JourneyPhase, RequestStatus
from storage.models import ClientRequest, JourneyExercise
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import start_exercise
from tests.handlers.payloads import command
from tests.handlers.watcher_fixtures import WatchChannel
from tests.slack_standin import SlackStandIn

pytest_plugins = ["tests.handlers.watcher_fixtures"]

PARIS = ZoneInfo("Europe/Paris")
SHARED = "C0SHAREDDIG"
TEAM_ROOM = "C0TEAMROOMD"
DIGESTS = next(job for job in FEATURE.jobs if job.id == "weekly-digests")


@pytest.fixture(autouse=True)
def _world(standin: SlackStandIn) -> None:
    standin.add_channel(
        TEAM, SHARED, name="acme-and-client", members=[BOT_USER, ANNA, BRUNO], is_ext_shared=True
    )
    standin.add_channel(TEAM, TEAM_ROOM, name="support-team", members=[BOT_USER, ANNA, BRUNO])


def set_clock(slack: Slack, moment: datetime) -> None:
    slack.bot.runtime.clock.set(moment)  # type: ignore[attr-defined]


def tick(slack: Slack) -> object:
    result = run_job(slack.runtime, DIGESTS)
    slack.bot.drain_outbox()
    return result


def answer(slack: Slack, text: str, *, user: str, channel: str = CLIENTS) -> str:
    """What the person reads after `/journey <text>`: the ack's text, or what followed it."""
    before = len(slack.standin.calls("response_url"))
    status, ack, _url = command(slack, text, user=user, channel=channel)
    assert status == 200
    slack.standin.wait_for("response_url", count=before + 1)
    posted = slack.standin.calls("response_url")[-1].args
    return json.dumps(posted, ensure_ascii=False) if ack.strip() else str(posted.get("text"))


def digests(slack: Slack, channel: str | None = None) -> list[dict[str, Any]]:
    return [
        call.args
        for call in slack.standin.calls("chat.postMessage")
        if call.ok
        and isinstance(call.args.get("metadata"), dict)
        and call.args["metadata"].get("event_type") == "journeybot_digest"
        and (channel is None or call.args.get("channel") == channel)
    ]


def flat(args: dict[str, Any]) -> str:
    return json.dumps(args.get("blocks"), ensure_ascii=False)


def test_a_schedule_in_one_line_in_english_and_in_french(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # a Wednesday
    text = answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    assert "every Monday at 9:00\u202fAM (Europe/Paris)" in text
    assert "2026-11-30 08:00 UTC" in text  # the fallback of the first date
    text = answer(slack, "bilan vendredi 16h30 Europe/Paris", user=BRUNO)
    assert "chaque vendredi à 16:30 (Europe/Paris)" in text
    status = answer(slack, "digest status", user=ANNA)
    assert "every Friday at 4:30\u202fPM (Europe/Paris)" in status


def test_a_schedule_that_cant_be_read_says_how_to_write_it(slack: Slack) -> None:
    _status, ack, _url = command(slack, "digest someday", user=ANNA)
    assert "for example: monday 09:00 Europe/Paris" in ack
    _status, ack, _url = command(slack, "digest monday 25:00", user=ANNA)
    assert "between 00:00 and 23:59" in ack


def test_posted_at_nine_local_once_a_week_across_the_dst_change(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 3, 18, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    set_clock(slack, datetime(2026, 3, 23, 7, 59, tzinfo=UTC))  # 08:59 in Paris (UTC+1)
    tick(slack)
    assert digests(slack) == []
    set_clock(slack, datetime(2026, 3, 23, 8, 0, tzinfo=UTC))
    tick(slack)
    tick(slack)  # a second tick, or a second replica: nothing more
    assert len(digests(slack)) == 1
    # Summer time from 29 March: 09:00 in Paris is 07:00 UTC.
    set_clock(slack, datetime(2026, 3, 30, 6, 59, tzinfo=UTC))
    tick(slack)
    assert len(digests(slack)) == 1
    set_clock(slack, datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    tick(slack)
    assert len(digests(slack)) == 2


def test_two_time_zones_keep_nine_local_across_their_own_dst_changes(slack: Slack) -> None:
    """Paris and New York both at Monday 09:00: New York moves to summer time on 8 March
    2026, Paris on 29 March, and each digest follows its own city's clock."""
    set_clock(slack, datetime(2026, 2, 25, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    answer(slack, "digest monday 09:00 America/New_York", user=ANNA, channel=TEAM_ROOM)
    expected = [  # (channel, the UTC instant that is 09:00 there)
        (CLIENTS, datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
        (TEAM_ROOM, datetime(2026, 3, 2, 14, 0, tzinfo=UTC)),  # EST, UTC-5
        (CLIENTS, datetime(2026, 3, 9, 8, 0, tzinfo=UTC)),
        (TEAM_ROOM, datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),  # EDT from 8 March
        (CLIENTS, datetime(2026, 3, 16, 8, 0, tzinfo=UTC)),
        (TEAM_ROOM, datetime(2026, 3, 16, 13, 0, tzinfo=UTC)),
        (CLIENTS, datetime(2026, 3, 23, 8, 0, tzinfo=UTC)),
        (TEAM_ROOM, datetime(2026, 3, 23, 13, 0, tzinfo=UTC)),
        (CLIENTS, datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),  # CEST from 29 March
        (TEAM_ROOM, datetime(2026, 3, 30, 13, 0, tzinfo=UTC)),
    ]
    for channel, nine_local in expected:
        posted = len(digests(slack, channel))
        set_clock(slack, nine_local - timedelta(minutes=1))
        tick(slack)
        assert len(digests(slack, channel)) == posted, f"{channel} early at {nine_local}"
        set_clock(slack, nine_local)
        tick(slack)
        assert len(digests(slack, channel)) == posted + 1, f"{channel} missing at {nine_local}"
    assert len(digests(slack, CLIENTS)) == len(digests(slack, TEAM_ROOM)) == 5


def test_a_digest_missed_while_down_is_sent_once_and_weeks_do_not_pile_up(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    # Down from Sunday to Wednesday 18 November: two Mondays passed; one digest, the latest.
    set_clock(slack, datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    tick(slack)
    tick(slack)
    [digest] = digests(slack)
    assert digest["metadata"]["event_payload"]["due"] == "2026-11-16T08:00:00+00:00"


def add_request(
    slack: Slack,
    watched_version: int,
    ts: str,
    arrived: datetime,
    *,
    acknowledged_after: timedelta | None = None,
    by: str | None = None,
    follow_ups: int = 0,
) -> None:
    acknowledged = None if acknowledged_after is None else arrived + acknowledged_after
    with slack.runtime.session_factory.begin() as session:
        session.add(
            ClientRequest(
                team_id=TEAM,
                promise_id=1,
                promise_version_id=watched_version,
                channel_id=CLIENTS,
                ts=ts,
                requester="U0CLIENT",
                permalink=f"https://acme.slack.com/archives/{CLIENTS}/p{ts.replace('.', '')}",
                created_at=arrived,
                last_message_at=arrived,
                follow_ups=follow_ups,
                nudge_at=arrived + timedelta(hours=3),
                due_at=arrived + timedelta(hours=4),
                next_check_at=None,
                status=RequestStatus.open if acknowledged is None else RequestStatus.acknowledged,
                acknowledged_at=acknowledged,
                acknowledged_by=by,
                breached=False,
            )
        )


def test_the_digest_states_the_fixture_weeks_figures_and_thanks_who_picked_up(
    slack: Slack, watched: WatchChannel
) -> None:
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    set_clock(slack, monday - timedelta(days=2))
    watched()
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    hour = timedelta(hours=1)
    # Kept (1 h, 30 min, 2 h), one late (5 h), one still open past its deadline.
    add_request(slack, 1, "1700000001.000100", monday + hour, acknowledged_after=hour, by=ANNA)
    add_request(
        slack, 1, "1700000002.000100", monday + 25 * hour, acknowledged_after=hour / 2, by=BRUNO
    )
    add_request(
        slack,
        1,
        "1700000003.000100",
        monday + 49 * hour,
        acknowledged_after=5 * hour,
        by=ANNA,
        follow_ups=2,
    )
    add_request(
        slack, 1, "1700000004.000100", monday + 73 * hour, acknowledged_after=2 * hour, by=ANNA
    )
    add_request(slack, 1, "1700000005.000100", monday + 97 * hour)
    set_clock(slack, monday + timedelta(days=7))
    tick(slack)
    [digest] = digests(slack, CLIENTS)
    text = flat(digest)
    assert "*Promise kept: 60%*" in text  # 3 of the 5 due this week
    assert "3 of 5 requests due this week" in text
    assert "5 requests received · 4 acknowledged" in text
    assert "median 1 h, 9 in 10 within 5 h" in text  # waits 30 min, 1 h, 2 h, 5 h
    assert "Clients followed up 2 times before an answer" in text
    assert "2 requests waited past the promise" in text
    assert "Thanks to <@U0ANNA> (3), <@U0BRUNO> (1) for picking up." in text
    assert "p1700000005000100" in text  # the open request is linked
    # The chart in the digest's thread, with figures in its alt text.
    [upload] = slack.standin.calls("files.getUploadURLExternal")
    assert "60% kept (3 of 5)" in str(upload.args.get("alt_txt"))
    [complete] = slack.standin.calls("files.completeUploadExternal")
    assert (
        complete.args.get("thread_ts") == slack.standin.calls("chat.postMessage")[-1].response["ts"]
    )


def test_a_quiet_week_gets_a_short_digest_and_no_chart(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    set_clock(slack, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    tick(slack)
    [digest] = digests(slack)
    assert "A quiet week" in flat(digest)
    assert '"0 requests' not in flat(digest)
    assert slack.standin.calls("files.getUploadURLExternal") == []


def test_preview_is_for_the_asker_only_and_off_stops_the_digest(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    preview = answer(slack, "digest preview", user=ANNA)
    assert "Weekly promise digest" in preview
    assert digests(slack) == []  # nothing posted in the channel
    assert "is off" in answer(slack, "digest off", user=ANNA)
    set_clock(slack, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    tick(slack)
    assert digests(slack) == []


def test_a_shared_channel_gets_no_digest_unless_alerts_go_to_a_team_channel(
    slack: Slack, watched: WatchChannel
) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    refused = answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA, channel=SHARED)
    assert "shared with another organisation" in refused
    watched(SHARED, alert_channel_id=TEAM_ROOM)
    assert "Done" in answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA, channel=SHARED)
    set_clock(slack, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    tick(slack)
    assert digests(slack, SHARED) == []
    [digest] = digests(slack, TEAM_ROOM)
    assert f"<#{SHARED}>" in flat(digest)


def test_the_digest_speaks_the_channels_language_and_takes_its_time_zone(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    slack.runtime.in_transaction(
        save_channel_locale,
        ws=Workspace(TEAM),
        channel_id=CLIENTS,
        locale="fr",
        time_zone="America/Montreal",
        actor_id=BRUNO,
        now=slack.runtime.clock.now(),
    )
    # Anna writes in English, but the channel chose French and Montreal's time.
    text = answer(slack, "digest monday 09:00", user=ANNA)
    assert "(America/Montreal)" in text
    set_clock(slack, datetime(2026, 11, 30, 14, 0, tzinfo=UTC))  # 09:00 in Montreal
    tick(slack)
    [digest] = digests(slack)
    assert "Bilan hebdomadaire des promesses" in flat(digest)


def test_the_digest_shows_exercises_in_progress_and_the_promises_made_this_week(
    slack: Slack, watched: WatchChannel
) -> None:
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    set_clock(slack, monday - timedelta(days=2))
    answer(slack, "digest monday 09:00 Europe/Paris", user=ANNA)
    set_clock(slack, monday + timedelta(days=1))
    watched()  # the channel's promise, made in the week
    start_exercise(slack, user=ANNA, task="Negotiating a contract")
    closed = start_exercise(slack, user=ANNA, task="Renewing a licence")
    with slack.runtime.session_factory.begin() as session:
        session.execute(
            update(JourneyExercise)
            .where(JourneyExercise.id == closed)
            .values(phase=JourneyPhase.closed)
        )
    set_clock(slack, monday + timedelta(days=7))
    tick(slack)
    [digest] = digests(slack, CLIENTS)
    text = flat(digest)
    assert "*Promise made this week*" in text
    assert "We acknowledge every request within 4h" in text
    assert "*Journey exercise in progress*" in text
    # Started on Tuesday with its moments due two days later: Thursday 26 November.
    assert "#1 Negotiating a contract: Listing the moments of truth (until <!date^" in text
    assert "|2026-11-26>" in text
    assert "Renewing a licence" not in text  # closed: no longer in progress
    assert "A quiet week" not in text


def test_a_french_digest_names_the_phase_in_french(slack: Slack) -> None:
    set_clock(slack, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    slack.runtime.in_transaction(
        save_channel_locale,
        ws=Workspace(TEAM),
        channel_id=CLIENTS,
        locale="fr",
        time_zone="Europe/Paris",
        actor_id=BRUNO,
        now=slack.runtime.clock.now(),
    )
    answer(slack, "bilan lundi 9h", user=BRUNO)
    start_exercise(slack, user=BRUNO, task="Signer un contrat")
    set_clock(slack, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    tick(slack)
    [digest] = digests(slack)
    assert "*Exercice de parcours en cours*" in flat(digest)
    assert "#1 Signer un contrat\u00a0: " in flat(digest)
