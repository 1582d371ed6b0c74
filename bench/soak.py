"""Sustained load: a realistic mix at a steady rate against two `journeybot run` replicas.

Two replicas (subprocesses, HTTP mode, OAuth mode with 50 installed workspaces) share one
throw-away PostgreSQL database (created beside TEST_DATABASE_URL's, dropped afterwards; the
`postgres` database itself is never written). The Slack stand-in runs in this process and
answers the replicas' Web API calls. Requests go out open-loop: each is scheduled at a fixed
interval and sent without waiting for earlier answers, so a slow server shows as latency, not
as a lower rate; they alternate between the replicas as a load balancer would.

The mix: client messages in watched channels (each watch promises an answer within
`--window` seconds, so nudges fall due during the run), `rage` reactions (irritant
reports), slash commands (help, requests, irritants, settings), "I'll take it" clicks on the
nudges posted so far, and submissions of the channel settings modal.

Reports: requests sent, status counts, p50/p99/max acknowledgement latency per kind, each
replica's resident memory every 10 s with its trend after the first minute, and the nudges
expected (requests whose nudge point passed before the load stopped) vs the nudges the
stand-in received, duplicates counted. Usage:

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python bench/soak.py [--rate 100] [--minutes 10] [--workspaces 50] [--window 40]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.soak_world import (  # noqa: E402
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    STATE_SECRET,
    World,
    install_and_watch,
    nudge_key,
    populate,
)
from tests.db import migrated_engine, scratch_database  # noqa: E402
from tests.e2e.process import free_port, wait_healthy  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402
from tests.slack_standin.inbound import sign  # noqa: E402

# Shares of the mix, in order of how often Slack delivers each to a busy workspace.
MIX = (("message", 30), ("reaction", 25), ("command", 20), ("click", 15), ("submission", 10))
ACK_DEADLINE = 3.0  # Slack gives up on an answer after 3 s
MEMORY_EVERY = 10.0
WARM_UP = 60.0  # memory before this is start-up, not a trend
DRAIN = 180.0  # after the load: the most time given to the nudges due by then to go out


def start_replica(
    env: dict[str, str], workdir: Path, name: str
) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    log_path = workdir / f"{name}.log"
    full = {**env, "PORT": str(port), "HOME": str(workdir)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=full,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log_path)
    return process, url


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """MB per minute of a least-squares line through (seconds, MB) after the warm-up."""
    kept = [(t / 60, mb) for t, mb in samples if t >= WARM_UP]
    if len(kept) < 3:
        return float("nan")
    return statistics.linear_regression([t for t, _ in kept], [mb for _, mb in kept]).slope


def kinds_in_order(total: int) -> list[str]:
    """The mix spread evenly over the run (not in blocks): a smooth weighted round-robin."""
    weights = dict(MIX)
    credit = dict.fromkeys(weights, 0)
    whole = sum(weights.values())
    order: list[str] = []
    for _ in range(total):
        for kind in credit:
            credit[kind] += weights[kind]
        chosen = max(credit, key=lambda kind: credit[kind])
        credit[chosen] -= whole
        order.append(chosen)
    return order


class Load:
    def __init__(self, world: World, urls: list[str]) -> None:
        self.world, self.urls = world, urls
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.late_starts = 0  # sends that left more than 50 ms after their slot
        self.sent = 0
        self.form_errors = 0  # submissions answered `response_action: errors`

    async def send(self, session: aiohttp.ClientSession, index: int, kind: str) -> None:
        content_type, body = getattr(self.world, kind)()
        headers = {"Content-Type": content_type, **sign(body, SIGNING_SECRET)}
        url = f"{self.urls[index % len(self.urls)]}/slack/events"
        started = time.perf_counter()
        try:
            async with session.post(url, data=body.encode(), headers=headers) as response:
                answer = await response.read()
                status = response.status
            if kind == "submission" and b'"errors"' in answer:
                self.form_errors += 1
        except (aiohttp.ClientError, TimeoutError):
            status = 0  # no answer at all
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[(kind, status)] += 1

    async def run(self, rate: float, seconds: float, replicas: list[int]) -> dict[int, list]:
        order = kinds_in_order(int(rate * seconds))
        memory: dict[int, list[tuple[float, float]]] = {pid: [] for pid in replicas}
        timeout = aiohttp.ClientTimeout(total=10)
        connector = aiohttp.TCPConnector(limit=0)
        tasks: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            began = time.perf_counter()
            next_sample = 0.0
            for index, kind in enumerate(order):
                slot = began + index / rate
                delay = slot - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.05:
                    self.late_starts += 1
                task = asyncio.create_task(self.send(session, index, kind))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                self.sent += 1
                if slot - began >= next_sample:
                    for pid in replicas:
                        memory[pid].append((slot - began, rss_mb(pid)))
                    next_sample += MEMORY_EVERY
            if tasks:
                await asyncio.gather(*tasks)
            for pid in replicas:
                memory[pid].append((time.perf_counter() - began, rss_mb(pid)))
        return memory


def open_settings_views(world: World, urls: list[str]) -> None:
    """Each workspace's channel settings modal, opened once by a slash command (its view is
    what later submissions send back)."""
    import urllib.request

    for w in range(world.workspaces):
        content_type, body = world.command_text(w, "settings")
        request = urllib.request.Request(
            f"{urls[w % len(urls)]}/slack/events",
            data=body.encode(),
            headers={"Content-Type": content_type, **sign(body, SIGNING_SECRET)},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    deadline = time.monotonic() + 60
    while len(world.views) < world.workspaces and time.monotonic() < deadline:
        for call in world.standin.calls("views.open"):
            if call.ok:
                w = int(str(call.team_id)[1:])
                world.views.setdefault(w, world.standin.view(call.response["view"]["id"]))
        time.sleep(0.2)
    if len(world.views) < world.workspaces:
        raise SystemExit(f"only {len(world.views)} settings modals opened")


def due_requests(database_url: str, until: datetime) -> tuple[int, dict, set]:
    """(requests stored; those whose nudge point passed by `until`, with it; those of them
    escalated without a nudge because both fell due in one tick)."""
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import ClientRequest

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(ClientRequest)) or 0
            rows = connection.execute(
                select(
                    ClientRequest.team_id,
                    ClientRequest.id,
                    ClientRequest.nudge_at,
                    ClientRequest.nudged_at,
                    ClientRequest.escalated_at,
                ).where(ClientRequest.nudge_at <= until)
            ).all()
    finally:
        engine.dispose()
    due = {(row.team_id, row.id): row.nudge_at for row in rows}
    skipped = {(row.team_id, row.id) for row in rows if row.nudged_at is None and row.escalated_at}
    return int(total), due, skipped


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--window", type=int, default=40, help="each watch's promise, seconds")
    parser.add_argument("--logs", type=Path, help="a directory to keep the replicas' logs in")
    args = parser.parse_args()
    os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if not os.environ["TEST_DATABASE_URL"].startswith("postgres"):
        raise SystemExit("the soak runs on PostgreSQL: set TEST_DATABASE_URL")
    load_average = os.getloadavg()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(scratch_database(tmp))
        migrated_engine(database_url).dispose()
        standin = stack.enter_context(
            SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        )
        populate(standin, args.workspaces)
        key = install_and_watch(database_url, standin.api_url, args.workspaces, args.window)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(REPO),
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_STATE_SECRET": STATE_SECRET,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "TOKEN_ENCRYPTION_KEY": key,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        replicas = []
        for name in ("a", "b"):
            (tmp / name).mkdir()
            replicas.append(start_replica(env, tmp / name, name))
        try:
            urls = [url for _process, url in replicas]
            pids = [process.pid for process, _url in replicas]
            world = World(standin, args.workspaces)
            open_settings_views(world, urls)
            load = Load(world, urls)
            seconds = args.minutes * 60
            print(
                f"soak: {args.rate:g} req/s for {args.minutes:g} min, 2 replicas, "
                f"{args.workspaces} workspaces, watch window {args.window} s",
                flush=True,
            )
            cpu_before = [cpu_seconds(pid) for pid in pids]
            own_before = own_cpu_seconds()
            memory = asyncio.run(load.run(args.rate, seconds, pids))
            stopped = datetime.now(UTC)
            own = own_cpu_seconds() - own_before
            cpu = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
            total, due, skipped = due_requests(database_url, stopped)
            expected = set(due) - skipped
            drain_began = time.monotonic()
            while time.monotonic() - drain_began < DRAIN and expected - nudged(standin):
                time.sleep(1)
            drained = time.monotonic() - drain_began
            time.sleep(3)  # room for a duplicate to show up
            calls = [c for c in standin.calls("chat.postMessage") if c.ok and nudge_key(c)]
            nudges = Counter(nudge_key(call) for call in calls)
            # The stand-in stamps calls on the monotonic clock; nudge points are wall-clock.
            offset = time.time() - time.monotonic()
            delays = sorted(
                offset + call.at - due[key].replace(tzinfo=UTC).timestamp()
                for call in calls
                if (key := nudge_key(call)) in expected
            )
            codes = [process.poll() for process, _url in replicas]
        finally:
            for process, _url in replicas:
                process.terminate()
            exits = [process.wait(30) for process, _url in replicas]
        report(args, load, memory, pids, cpu, load_average, os.getloadavg())
        print(
            f"watched channels: {world.watched_messages} client messages -> {total} requests; "
            f"{len(due)} had their nudge point pass before the load stopped "
            f"({stopped:%H:%M:%S} UTC); {len(skipped)} of those were escalated without a "
            f"nudge (the nudge and the escalation fell due in one tick)"
        )
        received = expected & set(nudges)
        print(
            f"nudges: expected {len(expected)}, received {len(received)}, missing "
            f"{len(expected - received)}, duplicates {sum(nudges.values()) - len(nudges)} "
            f"(of {sum(nudges.values())} nudge posts in all, {len(set(nudges) - expected)} "
            f"for requests due after the load stopped); waited {drained:.0f} s after the load "
            f"for them (at most {DRAIN:.0f} s)"
        )
        print(f"this process (load generator and Slack stand-in): CPU {own:.0f} s")
        if delays:
            print(
                f"nudge delay after its nudge point: p50 {percentile(delays, 0.5) / 1000:.1f} s, "
                f"p99 {percentile(delays, 0.99) / 1000:.1f} s, max {delays[-1]:.1f} s"
            )
        print(f"replicas alive at the end: {codes == [None, None]}; exit codes {exits}")
        for name in ("a", "b"):
            log = (tmp / name / f"{name}.log").read_text(errors="replace")
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                (args.logs / f"replica-{name}.log").write_text(log)
            errors = [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line]
            print(f"replica {name}: {len(errors)} ERROR/Traceback log lines")
            for line in errors[:5]:
                print(f"    {line[:200]}")


def nudged(standin: SlackStandIn) -> set[tuple[str, int]]:
    return {
        key
        for call in standin.calls("chat.postMessage")
        if call.ok and (key := nudge_key(call)) is not None
    }


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(
    args: argparse.Namespace,
    load: Load,
    memory: dict[int, list],
    pids: list[int],
    cpu: list[float],
    before: tuple[float, float, float],
    after: tuple[float, float, float],
) -> None:
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average before {before[0]:.2f} {before[1]:.2f} "
        f"{before[2]:.2f}, after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
    )
    print(
        f"requests sent: {load.sent}; sent more than 50 ms after their slot: "
        f"{load.late_starts}; modal submissions refused with field errors: {load.form_errors}"
    )
    statuses = Counter[int]()
    for (_kind, status), count in load.statuses.items():
        statuses[status] += count
    print("status counts: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(
        f"{'kind':11} {'sent':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'>3 s':>5}  statuses"
    )
    for kind, _share in MIX:
        values = load.latencies[kind]
        slow = sum(1 for v in values if v > ACK_DEADLINE)
        by_status = {s: n for (k, s), n in load.statuses.items() if k == kind}
        print(
            f"{kind:11} {len(values):6d} {percentile(values, 0.5):8.1f} "
            f"{percentile(values, 0.99):8.1f} {max(values, default=0) * 1000:8.0f} {slow:5d}  "
            f"{dict(sorted(by_status.items()))}"
        )
    every = [v for values in load.latencies.values() for v in values]
    print(
        f"{'all':11} {len(every):6d} {percentile(every, 0.5):8.1f} "
        f"{percentile(every, 0.99):8.1f} {max(every, default=0) * 1000:8.0f}"
    )
    for name, pid, spent in zip(("a", "b"), pids, cpu, strict=True):
        samples = memory[pid]
        trace = " ".join(f"{mb:.0f}" for _t, mb in samples)
        print(
            f"replica {name}: CPU {spent:.0f} s; RSS MB every {MEMORY_EVERY:.0f} s: {trace}; "
            f"trend after the first minute {slope_per_minute(samples):+.2f} MB/min"
        )


if __name__ == "__main__":
    main()
