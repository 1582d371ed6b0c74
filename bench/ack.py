"""Acknowledgement benchmark: journeybot vs a bare Bolt app on the same stack, same run.

Both servers run as subprocesses against the local Slack stand-in. The same signed
`/journey help` commands and `message` events are fired at each with a fixed concurrency,
alternating rounds so machine noise hits both alike. Prints throughput, p50 and p99 for each
and the journeybot/bare ratios. Usage:

    python bench/ack.py [--requests 2000] [--concurrency 20] [--rounds 3]
                        [--kinds command,event,reaction] [--database sqlite|postgresql://…]

`reaction` events (`rage` on 1,000 messages by 40 users) are irritant reports: journeybot
stores each durably (group commit) before its 200. With `--database postgresql://…` a
throw-away database is created there, migrated, used by journeybot, and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.db import scratch_database  # noqa: E402
from tests.e2e.process import free_port, wait_healthy  # noqa: E402
from tests.slack_standin import Message, SlackStandIn  # noqa: E402
from tests.slack_standin.inbound import sign  # noqa: E402

SECRET = "bench-signing-secret"  # pragma: allowlist secret
TOKEN = "xoxb-bench-0001"
TEAM = "T0BENCH"
USERS = [f"U{index:07d}" for index in range(50)]
WARM_UP = 200


@dataclass
class Result:
    name: str
    kind: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu: float  # the server's CPU seconds for the round, its relay's work after it included

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


# The edge refuses a response URL that isn't on Slack's host (the stand-in's, here): set to
# one of the stand-in's once it runs. Help answers in the ack, so nothing is posted there.
RESPONSE_URL = {"url": "http://127.0.0.1:9/hooks/unused"}


def command_body(index: int) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": USERS[index % len(USERS)],
            "user_name": "bench",
            "command": "/journey",
            "text": "help",
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": RESPONSE_URL["url"],
            "trigger_id": f"{index}.bench",
        }
    )


def event_body(index: int) -> str:
    event = {
        "type": "message",
        "channel": "C0BENCH",
        "user": USERS[index % len(USERS)],
        "text": f"client request {index}",
        "ts": f"1700000000.{index:06d}",
        "event_ts": f"1700000000.{index:06d}",
        "channel_type": "channel",
    }
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0BENCH",
            "type": "event_callback",
            "event": event,
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": 1700000000,
            "authorizations": [
                {
                    "team_id": TEAM,
                    "user_id": "UBENCHBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    )


REACTION_USERS = [f"UFIELD{index:04d}" for index in range(40)]
MESSAGES = 1000


def reaction_body(index: int) -> str:
    """`rage` on message index % 1000 by one of 40 users: real irritant reports."""
    message, user = index % MESSAGES, REACTION_USERS[(index // MESSAGES + index) % 40]
    event = {
        "type": "reaction_added",
        "user": user,
        "reaction": "rage",
        "item": {"type": "message", "channel": "C0BENCH", "ts": f"1700000000.{message:06d}"},
        "item_user": "UCLIENT",
        "event_ts": f"1700000001.{index:06d}",
    }
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0BENCH",
            "type": "event_callback",
            "event": event,
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": 1700000001,
            "authorizations": [
                {
                    "team_id": TEAM,
                    "user_id": "UBENCHBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    )


BODIES = {"command": command_body, "event": event_body, "reaction": reaction_body}


async def fire(
    url: str, kind: str, count: int, concurrency: int, first: int = 0
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(first, first + count):
        queue.put_nowait(index)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            while True:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = BODIES[kind](index)
                content_type = (
                    "application/x-www-form-urlencoded" if kind == "command" else "application/json"
                )
                headers = {"Content-Type": content_type, **sign(body, SECRET)}
                started = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux; 0 elsewhere).

    On a shared machine the wall-clock rate moves with everyone else's load; the CPU a
    server spends per request moves much less, so it is printed beside the rate.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def populate(standin: SlackStandIn) -> None:
    """The bench workspace: its users, the channel and the messages reacted to."""
    standin.add_workspace(
        TEAM, name="Bench", bot_token=TOKEN, bot_user_id="UBENCHBOT", bot_id="BBENCH"
    )
    for user in USERS:
        standin.add_user(
            TEAM, user, name=user.lower(), locale="fr-FR" if user.endswith("1") else "en-US"
        )
    # The reacting users and the messages exist and the users are in the channel, as in
    # a real workspace: the relay then takes the normal path (fetch the message, confirm
    # with an ephemeral), not the error paths of unknown users and missing messages.
    standin.add_user(TEAM, "UCLIENT", name="client")
    for user in REACTION_USERS:
        standin.add_user(
            TEAM, user, name=user.lower(), locale="fr-FR" if user.endswith("1") else "en-US"
        )
    standin.add_channel(
        TEAM, "C0BENCH", name="bench", members=["UBENCHBOT", *USERS, *REACTION_USERS]
    )
    channel = standin.channels["C0BENCH"]
    channel.messages.extend(
        Message(f"1700000000.{index:06d}", "UCLIENT", f"client message {index}", None, None)
        for index in range(MESSAGES)
    )


def quiet(standin: SlackStandIn, still: float = 0.5, limit: float = 120.0) -> float:
    """Wait until the stand-in has had no call for `still` seconds; the seconds waited.

    journeybot's relay goes on sending (fetches, confirmations) after the last answer: the
    next round must not start while it still uses the cores, or the other server pays for it.
    """
    started = time.perf_counter()
    seen, since = len(standin.calls()), time.perf_counter()
    while time.perf_counter() - started < limit:
        time.sleep(0.05)
        count = len(standin.calls())
        if count != seen:
            seen, since = count, time.perf_counter()
        elif time.perf_counter() - since >= still:
            break
    return since - started


def start(
    target: str, api_url: str, workdir: Path, database_url: str | None = None
) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / (target + '.db')}",
        "PYTHONPATH": str(REPO),
    }
    if target == "journeybot" and database_url and not database_url.startswith("sqlite"):
        subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=workdir, check=True)
    command = (
        [sys.executable, "-m", "bot", "run"]
        if target == "journeybot"
        else [sys.executable, str(REPO / "bench" / "bare_app.py")]
    )
    log = (workdir / f"{target}.log").open("w")
    process = subprocess.Popen(
        command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, workdir / f"{target}.log")
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="command,event,reaction")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL")
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    with contextlib.ExitStack() as stack:
        standin = stack.enter_context(SlackStandIn())
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        database_url = None
        if args.database != "sqlite":
            os.environ["TEST_DATABASE_URL"] = args.database
            database_url = stack.enter_context(scratch_database(Path(tmp)))
        RESPONSE_URL["url"] = f"{standin.base_url}/hooks/unused"
        populate(standin)
        workdir = Path(tmp)
        servers = {
            name: start(name, standin.api_url, workdir, database_url)
            for name in ("bare", "journeybot")
        }
        results: dict[tuple[str, str], list[Result]] = {}
        drains: dict[tuple[str, str], list[float]] = {}
        try:
            for kind in kinds:
                for _name, (_process, url) in servers.items():  # warm-up: caches, pools, auth.test
                    asyncio.run(fire(f"{url}/slack/events", kind, WARM_UP, args.concurrency))
                    quiet(standin)
                for round_ in range(args.rounds):
                    # Each round sends new events (for reactions: new reports, not repeats of
                    # the last round's), the same ones to both servers.
                    first = WARM_UP + round_ * args.requests
                    for name, (process, url) in servers.items():
                        endpoint = f"{url}/slack/events"
                        load = fire(endpoint, kind, args.requests, args.concurrency, first)
                        cpu = cpu_seconds(process.pid)
                        seconds, latencies, errors = asyncio.run(load)
                        drains.setdefault((name, kind), []).append(quiet(standin))
                        cpu = cpu_seconds(process.pid) - cpu
                        results.setdefault((name, kind), []).append(
                            Result(name, kind, args.requests, seconds, latencies, errors, cpu)
                        )
        finally:
            for process, _url in servers.values():
                process.terminate()
                process.wait(20)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"{args.requests} requests x {args.rounds} rounds, concurrency {args.concurrency}")
    print(f"database: {'PostgreSQL' if args.database != 'sqlite' else 'SQLite'}")
    print(
        f"{'kind':8} {'server':11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'errors':>6} {'CPU ms/req':>10}"
    )
    summary: dict[tuple[str, str], tuple[float, float, float, float]] = {}
    for (name, kind), rounds in sorted(results.items(), key=lambda item: (item[0][1], item[0][0])):
        throughput = statistics.median(result.throughput for result in rounds)
        p50 = statistics.median(result.percentile(0.50) for result in rounds)
        p99 = statistics.median(result.percentile(0.99) for result in rounds)
        slowest = max(max(result.latencies) for result in rounds) * 1000
        errors = sum(result.errors for result in rounds)
        cpu = statistics.median(result.cpu * 1000 / result.requests for result in rounds)
        summary[(name, kind)] = (throughput, p50, p99, cpu)
        print(
            f"{kind:8} {name:11} {throughput:8.0f} {p50:8.1f} {p99:8.1f} {slowest:8.0f} "
            f"{errors:6d} {cpu:10.2f}"
        )
    for kind in kinds:
        bare, ours = summary[("bare", kind)], summary[("journeybot", kind)]
        ratios = [
            (mine.throughput / theirs.throughput)
            for mine, theirs in zip(
                results[("journeybot", kind)], results[("bare", kind)], strict=True
            )
        ]
        print(
            f"{kind}: throughput journeybot/bare = {ours[0] / bare[0]:.2f} "
            f"(rounds {min(ratios):.2f}-{max(ratios):.2f}), p99 ratio = {ours[2] / bare[2]:.2f}, "
            f"CPU per request = {ours[3] / bare[3]:.2f}x bare, relay busy after the last "
            f"answer: median {statistics.median(drains[('journeybot', kind)]):.2f} s"
        )
        print("  rounds (journeybot/bare): " + " ".join(f"{ratio:.2f}" for ratio in ratios))


if __name__ == "__main__":
    main()
