"""1,000 nudges falling due at once across 100 channels, sent through the real scheduler,
the outbox relay and the Slack stand-in (which answers 429 to a second post in a channel
within a second, as Slack does).

The bot runs in-process on a clock injected to run at real speed from a chosen moment, so
"due" is a known wall-clock instant. 100 watched channels get 10 open requests each, all with
their nudge point at the same instant, three seconds after start-up; the scheduler's
`request-alerts` job ticks as in production (every `SCAN_EVERY`). Reports: the delay from the
due instant to the first and the last nudge, posts per channel and the smallest gap between
two posts in one channel, 429s received, and nudges posted twice.

Usage: `python bench/watcher_pacing.py [postgresql://postgres@127.0.0.1:5432/postgres]`
(SQLite in a temporary directory without an argument).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.promises.rules import Team, WatchSetup  # noqa: E402
from bot.promises.usecases import set_watch  # noqa: E402
from bot.scheduler import Job, build_scheduler  # noqa: E402
from bot.tenancy import Workspace  # noqa: E402
from bot.watcher.feature import FEATURE, SCAN_EVERY  # noqa: E402
from bot.wiring.app import make_core  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.enums import RequestStatus, WatchTeam  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import ClientRequest  # noqa: E402
from storage.repositories import promises  # noqa: E402
from tests.bot_server import running_bot  # noqa: E402
from tests.conftest import BOT_TOKEN, make_settings  # noqa: E402
from tests.db import scratch_database  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402

TEAM = "T0ACME"
BOT_USER = "U0JOURNEY"
TEAM_MEMBERS = ("U0ANNA", "U0BRUNO")
CLIENT = "U0CLIENT"
CHANNELS = 100
PER_CHANNEL = 10
LEAD = timedelta(seconds=3)  # from start-up to the due instant
TIMEOUT = 600.0


class RealTimeClock:
    """The injected clock, running at real speed from `start` (so due = a wall instant)."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def populate(standin: SlackStandIn) -> list[str]:
    standin.add_workspace(
        TEAM, name="Acme", bot_token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id="B0JOURNEY"
    )
    for user in TEAM_MEMBERS:
        standin.add_user(TEAM, user, name=user.lower(), tz="Europe/Paris", locale="en-US")
    standin.add_user(TEAM, CLIENT, name="client", tz="Europe/Paris", locale="en-US")
    channels = [f"C{index:07d}" for index in range(CHANNELS)]
    for channel in channels:
        standin.add_channel(
            TEAM, channel, name=channel.lower(), members=[BOT_USER, *TEAM_MEMBERS, CLIENT]
        )
    return channels


def seed(core: object, standin: SlackStandIn, channels: list[str], due: datetime) -> None:
    """A watch per channel, then 10 open requests each, all nudged at `due` (shuffled, as
    requests from many channels arrive)."""
    ws = Workspace(TEAM)
    now = core.clock.now()  # type: ignore[attr-defined]
    setup = WatchSetup(
        window=timedelta(hours=4),
        hours=None,
        team=Team(kind=WatchTeam.named_users, user_ids=TEAM_MEMBERS),
        alert_channel_id=None,
        text="We acknowledge every request within 4h",
    )
    rows = []
    for channel in channels:
        core.in_transaction(  # type: ignore[attr-defined]
            set_watch, ws=ws, channel_id=channel, setup=setup, actor_id="U0ANNA", now=now
        )
        with core.session_factory() as session:  # type: ignore[attr-defined]
            watch = promises.active_watch(session, team_id=TEAM, channel_id=channel)
            assert watch is not None
            promise_id, version_id = watch.promise.id, watch.version.id
        for _ in range(PER_CHANNEL):
            ts = standin.post_message(channel, user=CLIENT, text="Our export fails, help?")
            rows.append(
                ClientRequest(
                    team_id=TEAM,
                    promise_id=promise_id,
                    promise_version_id=version_id,
                    channel_id=channel,
                    ts=ts,
                    requester=CLIENT,
                    text="Our export fails, help?",
                    created_at=due - timedelta(hours=3),
                    last_message_at=due - timedelta(hours=3),
                    follow_ups=0,
                    nudge_at=due,
                    due_at=due + timedelta(hours=1),
                    next_check_at=due,
                    status=RequestStatus.open,
                    breached=False,
                )
            )
    random.Random(4).shuffle(rows)
    with core.session_factory.begin() as session:  # type: ignore[attr-defined]
        session.add_all(rows)


def nudges(standin: SlackStandIn) -> list[object]:
    return [
        call
        for call in standin.calls("chat.postMessage")
        if call.ok and isinstance(call.args.get("metadata"), dict)
    ]


def run(database_url: str) -> dict[str, object]:
    engine = make_engine(database_url)
    upgrade(engine)
    with SlackStandIn() as standin:
        standin.pace_posts = True
        channels = populate(standin)
        settings = make_settings(database_url, slack_api_url=standin.api_url)
        clock = RealTimeClock(datetime.now(UTC))
        core = make_core(settings, make_session_factory(engine), clock)
        # Seeded due in an hour; the due instant is set once everything runs (seeding 100
        # watches and 1,000 requests takes seconds on a loaded machine).
        seed(core, standin, channels, clock.now() + timedelta(hours=1))
        found = next(job for job in FEATURE.jobs if job.id == "request-alerts")
        decided: list[float] = []

        scan_seconds: list[float] = []

        def timed_scan(session: object, now: datetime) -> object:
            started = time.monotonic()
            counts = found.work(session, now)  # type: ignore[arg-type]
            if isinstance(counts, dict) and counts.get("nudged"):
                decided.append(time.monotonic())
                scan_seconds.append(time.monotonic() - started)
            return counts

        scan = Job(found.id, found.every, timed_scan)
        with running_bot(core, engine):
            scheduler = build_scheduler(core, [scan])
            scheduler.start()
            due = clock.now() + LEAD
            with core.session_factory.begin() as session:
                session.execute(
                    update(ClientRequest).values(
                        nudge_at=due, next_check_at=due, created_at=due - timedelta(hours=3)
                    )
                )
            # The due instant, on the monotonic clock the stand-in stamps calls with.
            due_mono = time.monotonic() + (due - clock.now()).total_seconds()
            try:
                deadline = time.monotonic() + TIMEOUT
                while len(nudges(standin)) < CHANNELS * PER_CHANNEL:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                time.sleep(2.0)  # anything posted twice would show up now
            finally:
                scheduler.shutdown(wait=True)
        posted = nudges(standin)
        by_channel: dict[str, list[float]] = defaultdict(list)
        for call in posted:
            by_channel[str(call.args["channel"])].append(call.at)  # type: ignore[attr-defined]
        gaps = [
            later - earlier
            for times in by_channel.values()
            for earlier, later in zip(sorted(times), sorted(times)[1:], strict=False)
        ]
        tags = Counter(
            (
                call.args["metadata"]["event_payload"]["request_id"],  # type: ignore[attr-defined]
                call.args["metadata"]["event_payload"]["action"],  # type: ignore[attr-defined]
            )
            for call in posted
        )
        times = sorted(call.at for call in posted)  # type: ignore[attr-defined]
        refused = [c for c in standin.calls("chat.postMessage") if c.http_status == 429]
    engine.dispose()
    return {
        "nudges posted": len(posted),
        "posted twice": sum(1 for count in tags.values() if count > 1),
        "429 received": len(refused),
        "first deciding tick done, after due (s)": round(decided[0] - due_mono, 2)
        if decided
        else None,
        "scan of a 100-nudge batch (s, median)": round(statistics.median(scan_seconds), 3)
        if scan_seconds
        else None,
        "first after due (s)": round(times[0] - due_mono, 2) if times else None,
        "last after due (s)": round(times[-1] - due_mono, 2) if times else None,
        "channels": len(by_channel),
        "smallest gap in a channel (s)": round(min(gaps), 3) if gaps else None,
        "median gap in a channel (s)": round(statistics.median(gaps), 3) if gaps else None,
        "scan every (s)": SCAN_EVERY.total_seconds(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", nargs="?", help="a PostgreSQL URL; SQLite if omitted")
    args = parser.parse_args()
    if args.database:
        os.environ["TEST_DATABASE_URL"] = args.database
    print(f"{platform.node()} {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp)) as url:
        print("database:", url.split("@")[-1] if "@" in url else "sqlite")
        for name, value in run(url).items():
            print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
