"""SIGKILL at random moments of the nudge, digest and journey-phase paths, then restart:
does anything get lost or posted twice?

The bench runs the Slack stand-in in its own process and `journeybot run` (HTTP mode) as a
subprocess on one database (a SQLite file, or a throw-away PostgreSQL database created next
to the one `--database` names). Before the first start it seeds, through the app's own use
cases and tables, work that falls due at random moments across the run:

- open requests in watched channels, each with a nudge and, 20 s later, an escalation (and
  the owner's DM that goes with it);
- weekly digests whose next due time is moved into the run;
- journey exercises whose first phase ends at a deadline in the run (the exercise message is
  updated to the next phase; before that, the phase's reminder goes by DM to each member who
  has not contributed: once, or not at all if the phase ended before it went).

Then, `--cycles` times: start the bot, wait for `/readyz`, let it work for a random 0 to
`--max-uptime` seconds, SIGKILL it. A last start runs without a kill until every expected
message is out (a message claimed by a killed process waits out its 60 s lease first), and
the stand-in's recorded calls are counted: each expected message must be posted exactly
once. What the bench reports as duplicated is the residual window that remains.

The bot runs unmodified except for two job intervals: the digest scan (30 s) and the journey
job (60 s) tick every 0.5 s here, as the watcher's scan already does, so a process that lives
a few seconds reaches them (APScheduler runs an interval job first one interval after start).

Usage: `python bench/kill_loop.py [--cycles 50] [--database postgresql://postgres@127.0.0.1:5432/postgres]`
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FAST_TICK = timedelta(milliseconds=500)
FAST_JOBS = ("weekly-digests", "journey-phases")


def child() -> int:
    """`journeybot run`, with the digest and journey jobs ticking as often as the watcher's."""
    import bot.wiring.runner as runner
    from bot.cli import main
    from bot.scheduler import build_scheduler

    def quick_scheduler(core: Any, jobs: Any = None, lock: Any = None) -> Any:
        quick = [
            replace(job, every=min(job.every, FAST_TICK)) if job.id in FAST_JOBS else job
            for job in core.features.jobs
        ]
        return build_scheduler(core, quick, lock=lock)

    runner.build_scheduler = quick_scheduler  # type: ignore[assignment]
    return main(["run"])


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.exit(child())

from sqlalchemy import func, select, update  # noqa: E402

from bot.digests.schedule import DigestSchedule  # noqa: E402
from bot.digests.usecases import set_digest  # noqa: E402
from bot.promises.rules import Team, WatchSetup  # noqa: E402
from bot.promises.usecases import set_watch  # noqa: E402
from bot.tenancy import Workspace  # noqa: E402
from bot.wiring.app import make_core  # noqa: E402
from storage.db import make_session_factory  # noqa: E402
from storage.enums import JourneyPhase, RequestStatus, WatchTeam  # noqa: E402
from storage.models import ChannelDigest, ClientRequest, JourneyExercise, OutboxMessage  # noqa: E402
from storage.repositories import promises  # noqa: E402
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings  # noqa: E402
from tests.db import migrated_engine, scratch_database  # noqa: E402
from tests.e2e.process import free_port, wait_healthy  # noqa: E402
from tests.handlers.conftest import ANNA, BOT_ID, BOT_USER, BRUNO, TEAM, populate  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402

CLIENT = "U0CLIENT"
ESCALATION_AFTER = timedelta(seconds=20)
LEASE_WAIT = 75.0  # the relay's 60 s lease on what a killed process had claimed, and some
FINAL_TIMEOUT = 300.0


@dataclass
class Plan:
    requests: dict[str, int] = field(default_factory=dict)  # thread ts -> request id
    digests: list[str] = field(default_factory=list)  # channels
    exercises: list[str] = field(default_factory=list)  # channels (one exercise each)


def seed(core: Any, standin: SlackStandIn, args: argparse.Namespace, start: datetime) -> Plan:
    rng = random.Random(args.seed)
    ws = Workspace(TEAM)
    plan = Plan()

    def at_random() -> datetime:
        return start + timedelta(seconds=rng.uniform(3.0, args.spread))

    def channel(prefix: str, index: int) -> str:
        channel_id = f"C{prefix}{index:05d}"
        standin.add_channel(
            TEAM, channel_id, name=channel_id.lower(), members=[BOT_USER, ANNA, BRUNO]
        )
        return channel_id

    setup = WatchSetup(
        window=timedelta(hours=4),
        team=Team(kind=WatchTeam.named_users, user_ids=(ANNA, BRUNO)),
        text="We acknowledge every request within 4h",
    )
    rows: list[ClientRequest] = []
    for index in range(args.watched_channels):
        watched = channel("WATCH", index)
        core.in_transaction(
            set_watch, ws=ws, channel_id=watched, setup=setup, actor_id=ANNA, now=start
        )
        with core.session_factory() as session:
            watch = promises.active_watch(session, team_id=TEAM, channel_id=watched)
            assert watch is not None
            promise_id, version_id = watch.promise.id, watch.version.id
        for _ in range(args.requests // args.watched_channels):
            ts = standin.post_message(watched, user=CLIENT, text="Where is my invoice?")
            nudge_at = at_random()
            rows.append(
                ClientRequest(
                    team_id=TEAM,
                    promise_id=promise_id,
                    promise_version_id=version_id,
                    channel_id=watched,
                    ts=ts,
                    requester=CLIENT,
                    text="Where is my invoice?",
                    created_at=start - timedelta(hours=3),
                    last_message_at=start - timedelta(hours=3),
                    follow_ups=0,
                    nudge_at=nudge_at,
                    due_at=nudge_at + ESCALATION_AFTER,
                    next_check_at=nudge_at,
                    status=RequestStatus.open,
                    breached=False,
                )
            )
    with core.session_factory.begin() as session:
        session.add_all(rows)
        session.flush()
        plan.requests = {row.ts: row.id for row in rows}

    schedule = DigestSchedule(weekday=0, at=day_time(9, 0), timezone="Europe/Paris")
    for index in range(args.digests):
        digested = channel("DIGEST", index)
        core.in_transaction(
            set_digest, ws=ws, channel_id=digested, schedule=schedule, user_id=ANNA, now=start
        )
        with core.session_factory.begin() as session:
            session.execute(
                update(ChannelDigest)
                .where(ChannelDigest.channel_id == digested)
                .values(next_due_at=at_random())
            )
        plan.digests.append(digested)

    exercises = []
    for index in range(args.exercises):
        room = channel("JOURNEY", index)
        message_ts = standin.post_message(room, user=BOT_USER, text="Journey", bot_id=BOT_ID)
        exercises.append(
            JourneyExercise(
                team_id=TEAM,
                channel_id=room,
                number=1,
                task="Renew a subscription",
                persona_name="Alex",
                persona_line="Runs a small shop",
                facilitator_id=ANNA,
                phase=JourneyPhase.moments,
                moments_deadline=at_random(),
                columns_deadline=start + timedelta(days=7),
                vote_deadline=start + timedelta(days=8),
                phase_changed_at=start,
                votes_per_member=3,
                anonymous=False,
                locale="en",
                message_ts=message_ts,
                created_at=start,
            )
        )
        plan.exercises.append(room)
    with core.session_factory.begin() as session:
        session.add_all(exercises)
    return plan


@dataclass
class Tally:
    """What the stand-in saw posted, by the identity of each expected message."""

    nudges: Counter[int] = field(default_factory=Counter)
    escalations: Counter[int] = field(default_factory=Counter)
    owner_notices: Counter[int] = field(default_factory=Counter)
    digests: Counter[str] = field(default_factory=Counter)
    updates: Counter[str] = field(default_factory=Counter)  # exercise message, by channel
    reminders: Counter[tuple[str, str]] = field(default_factory=Counter)


def tally(standin: SlackStandIn) -> Tally:
    found = Tally()
    dm_users = {
        call.response["channel"]["id"]: call.args.get("users")
        for call in standin.calls("conversations.open")
        if call.ok
    }
    for call in standin.calls("chat.postMessage"):
        if not call.ok:
            continue
        args = call.args
        metadata = args.get("metadata")
        text = str(args.get("text") or "")
        if isinstance(metadata, dict) and metadata.get("event_type") == "journeybot_request_alert":
            payload = metadata["event_payload"]
            counter = {
                "nudge": found.nudges,
                "escalate": found.escalations,
                "owner": found.owner_notices,
            }[payload["action"]]
            counter[int(payload["request_id"])] += 1
        elif isinstance(metadata, dict) and metadata.get("event_type") == "journeybot_digest":
            found.digests[str(metadata["event_payload"]["channel"])] += 1
        elif "your view is missing" in text:
            room = text.split("<#", 1)[1].split(">", 1)[0]
            found.reminders[(str(dm_users.get(args["channel"])), room)] += 1
    for call in standin.calls("chat.update"):
        if call.ok:
            found.updates[str(call.args.get("channel"))] += 1
    return found


def complete(found: Tally, plan: Plan) -> bool:
    return (
        len(found.escalations) == len(plan.requests)
        and len(found.owner_notices) == len(plan.requests)
        and len(found.digests) == len(plan.digests)
        and len(found.updates) == len(plan.exercises)
    )


def in_flight(core: Any) -> int:
    """Outbox messages claimed (leased) but not yet recorded as sent: the killed process was
    sending them, or had just sent them."""
    now = datetime.now(UTC)
    with core.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                    OutboxMessage.claimed_until > now,
                )
            )
            or 0
        )


def pending(core: Any) -> int:
    with core.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
            )
            or 0
        )


def start_bot(
    env: dict[str, str], log_path: Path, workdir: Path
) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    with log_path.open("a") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            cwd=workdir,
            env={**env, "PORT": str(port)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log_path, timeout=60.0)
    return process, url


def report(found: Tally, plan: Plan, core: Any) -> dict[str, Any]:
    with core.session_factory() as session:
        nudged = set(
            session.scalars(select(ClientRequest.id).where(ClientRequest.nudged_at.is_not(None)))
        )
    ids = set(plan.requests.values())

    def lost_and_twice(counter: Counter[Any], expected: set[Any]) -> tuple[int, int, int]:
        return (
            sum(1 for key in expected if counter[key] == 0),
            sum(1 for key in expected if counter[key] > 1),
            sum(counter.values()) - sum(1 for key in expected if counter[key]),
        )

    rooms = set(plan.exercises)
    with core.session_factory() as session:
        moved = set(
            session.scalars(
                select(JourneyExercise.channel_id).where(
                    JourneyExercise.phase == JourneyPhase.columns
                )
            )
        )
    reminded_twice = sum(1 for count in found.reminders.values() if count > 1)
    rows = {
        "nudges": lost_and_twice(found.nudges, nudged),
        "escalations": lost_and_twice(found.escalations, ids),
        "owner DMs": lost_and_twice(found.owner_notices, ids),
        "digests": lost_and_twice(found.digests, set(plan.digests)),
        # A phase moves once (a conditional update); its message is updated at least once
        # (an update is idempotent, so a repeat is harmless and not counted as a duplicate).
        "phase changes": (len(rooms - (moved & set(found.updates))), 0, 0),
        # A reminder whose phase ended before it went is moot, not lost: only repeats count.
        "phase reminders": (
            0,
            reminded_twice,
            sum(found.reminders.values()) - len(found.reminders),
        ),
    }
    return {
        "rows": rows,
        "nudges skipped (fell due with their escalation while down)": len(ids - nudged),
        "nudge posts for a request never marked nudged": sum(
            count for key, count in found.nudges.items() if key not in nudged
        ),
        "phase reminders sent (of 2 per exercise; moot once the phase ended)": len(found.reminders),
        "exercise message updates (idempotent)": sum(found.updates.values()),
    }


def run(args: argparse.Namespace) -> int:
    if args.database:
        os.environ["TEST_DATABASE_URL"] = args.database
    rng = random.Random(args.seed + 1)
    with (
        tempfile.TemporaryDirectory(prefix="kill-loop-") as tmp,
        SlackStandIn() as standin,
        scratch_database(Path(tmp)) as url,
    ):
        populate(standin)
        engine = migrated_engine(url)
        core = make_core(
            make_settings(url, slack_api_url=standin.api_url), make_session_factory(engine)
        )
        start = datetime.now(UTC)
        plan = seed(core, standin, args, start)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "INFO",
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "EVENT_WRITE_TIMEOUT": "2.5",
        }
        log_path = Path(tmp) / "journeybot.log"
        uptimes: list[float] = []
        kills_mid_send = 0
        began = time.monotonic()
        for cycle in range(args.cycles):
            process, _url = start_bot(env, log_path, Path(tmp))
            uptime = rng.uniform(0.0, args.max_uptime)
            time.sleep(uptime)
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            uptimes.append(uptime)
            leased = in_flight(core)
            kills_mid_send += bool(leased)
            done = tally(standin)
            print(
                f"cycle {cycle + 1}/{args.cycles}: killed after {uptime:.2f} s, "
                f"{leased} message(s) claimed and unrecorded; posted so far: "
                f"{sum(done.escalations.values())} escalations, {sum(done.digests.values())} "
                f"digests, {sum(done.updates.values())} phase updates",
                flush=True,
            )
        loop_seconds = time.monotonic() - began
        due_left = max(0.0, args.spread - (datetime.now(UTC) - start).total_seconds())
        process, _url = start_bot(env, log_path, Path(tmp))
        deadline = time.monotonic() + due_left + LEASE_WAIT + args.final_timeout
        while time.monotonic() < deadline:
            if complete(tally(standin), plan) and pending(core) == 0:
                break
            time.sleep(0.5)
        time.sleep(3.0)  # a few more ticks: room for a late duplicate to show
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        found = tally(standin)
        outcome = report(found, plan, core)
        left = pending(core)
        engine.dispose()
        kept = Path(tempfile.gettempdir()) / "kill-loop-journeybot.log"
        kept.write_text(log_path.read_text(errors="replace"))
    print()
    print(f"kill loop, {platform.machine()}, {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d}")
    print(
        f"database: {'PostgreSQL' if args.database else 'SQLite'}; cycles: {args.cycles}; "
        f"kills while a message was claimed and unrecorded: {kills_mid_send}; "
        f"loop {loop_seconds:.0f} s; outbox messages left unsent: {left}"
    )
    print(f"{'message':<20}{'expected':>9}{'lost':>6}{'twice':>7}{'extra posts':>13}")
    expected = {
        "nudges": len(set(found.nudges)),
        "escalations": len(plan.requests),
        "owner DMs": len(plan.requests),
        "digests": len(plan.digests),
        "phase changes": len(plan.exercises),
        "phase reminders": len(found.reminders),
    }
    bad = 0
    for name, (lost, twice, extra) in outcome["rows"].items():
        print(f"{name:<20}{expected[name]:>9}{lost:>6}{twice:>7}{extra:>13}")
        bad += lost + twice
    for name, value in outcome.items():
        if name != "rows":
            print(f"{name}: {value}")
    return 1 if bad or left else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--max-uptime", type=float, default=4.0, help="seconds before a kill")
    parser.add_argument(
        "--spread", type=float, default=None, help="seconds over which work falls due"
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--watched-channels", type=int, default=10)
    parser.add_argument("--digests", type=int, default=20)
    parser.add_argument("--exercises", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--final-timeout", type=float, default=FINAL_TIMEOUT)
    parser.add_argument("--database", help="a PostgreSQL URL: a throw-away database is made there")
    args = parser.parse_args()
    if args.spread is None:
        # A cycle is a start-up (2 to 4 s on a loaded 2-core machine) and an uptime.
        args.spread = args.cycles * (2.5 + args.max_uptime / 2)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
