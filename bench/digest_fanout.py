"""10,000 channels across 100 workspaces, all due the same minute: every one gets its digest,
none twice, at a pace Slack's limits allow.

In one process: the Slack stand-in (with its per-channel pace on: a second post in a channel
within a second gets a 429) and journeybot's own pieces in OAuth mode (one installation per
workspace), on the database of TEST_DATABASE_URL (a scratch one) or a SQLite file. The bot's
clock is injected: it is set to the due minute, the scheduler's job runs once, and the outbox
relay drains what it queued. The channels' weeks are quiet (a short digest, no chart), so
what is measured is the fan-out: claiming, queuing, the check for an earlier post (the
metadata tag), and the posts.

Usage: `[TEST_DATABASE_URL=postgresql://…] python bench/digest_fanout.py [workspaces] [channels]`
(channels per workspace; 100 and 100 by default).
"""

from __future__ import annotations

import asyncio
import math
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bot.clock import FrozenClock  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.digests.feature import FEATURE  # noqa: E402
from bot.digests.schedule import DigestSchedule  # noqa: E402
from bot.digests.usecases import set_digest  # noqa: E402
from bot.scheduler import run_job  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.tenancy import Workspace  # noqa: E402
from bot.wiring.app import create_bolt_app, make_core  # noqa: E402
from bot.wiring.oauth_store import EncryptedInstallationStore  # noqa: E402
from storage.crypto import TokenCipher  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from tests.db import scratch_database  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "1111.2222", "bench-client-secret"  # pragma: allowlist secret
SCHEDULE = DigestSchedule(weekday=0, at=wall_time(9, 0), timezone="Europe/Paris")
SET_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris
DIGEST = next(job for job in FEATURE.jobs if job.id == "weekly-digests")
# Slack's documented limits (SLACK_CONTRACT.md): chat.postMessage about 1 per second per
# channel and several hundred per minute per workspace; conversations.history and
# conversations.info are Tier 3 (50+ per minute per workspace).
TIER_3_PER_MINUTE = 50


def team(index: int) -> str:
    return f"T{index:04d}"


def channel(workspace: int, index: int) -> str:
    return f"C{workspace:04d}{index:05d}"


def pending(core: Core) -> int:
    with core.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
            )
            or 0
        )


def peak_per_minute(times: list[float]) -> int:
    """The most calls in any 60-second window."""
    times = sorted(times)
    peak, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 60:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


async def run(database_url: str, workspaces: int, per_workspace: int) -> None:
    standin = SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    standin.start()
    standin.pace_posts = True
    standin.method_limits = {
        "conversations.history": TIER_3_PER_MINUTE,
        "conversations.info": TIER_3_PER_MINUTE,
    }
    key = TokenCipher.generate_key()
    settings = load_settings(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_state_secret="bench-state-secret",  # pragma: allowlist secret
        slack_signing_secret="bench-signing-secret",  # pragma: allowlist secret
        token_encryption_key=key,
        database_url=database_url,
        slack_api_url=standin.api_url,
        _env_file=None,
    )
    engine = make_engine(database_url)
    upgrade(engine)
    clock = FrozenClock(SET_AT)
    core = make_core(settings, make_session_factory(engine), clock)
    app = create_bolt_app(core)
    store = EncryptedInstallationStore(core, TokenCipher(key), CLIENT_ID)
    started = time.perf_counter()
    for w in range(workspaces):
        token, bot_user = f"xoxb-bench-{w:04d}", f"U0BOT{w:04d}"
        standin.add_workspace(
            team(w), name=team(w), bot_token=token, bot_user_id=bot_user, bot_id=f"B0BOT{w:04d}"
        )
        for c in range(per_workspace):
            standin.add_channel(team(w), channel(w, c), name=f"ch-{w}-{c}", members=[bot_user])
        await store.async_save(
            Installation(
                app_id="A0JOURNEY",
                team_id=team(w),
                bot_token=token,
                bot_id=f"B0BOT{w:04d}",
                bot_user_id=bot_user,
                bot_scopes=["chat:write", "channels:history", "channels:read", "files:write"],
                user_id="U0ADMIN",
                installed_at=SET_AT.timestamp(),
            )
        )
        with core.session_factory.begin() as session:
            for c in range(per_workspace):
                set_digest(
                    session,
                    ws=Workspace(team(w)),
                    channel_id=channel(w, c),
                    schedule=SCHEDULE,
                    user_id="U0ADMIN",
                    now=SET_AT,
                )
    total = workspaces * per_workspace
    print(f"{workspaces} workspaces x {per_workspace} channels = {total} digests due at {DUE}")
    print(f"  set up in {time.perf_counter() - started:.0f} s")

    clock.set(DUE)
    started = time.perf_counter()
    queued = run_job(core, DIGEST)
    queued_in = time.perf_counter() - started
    print(f"  one scheduler tick queued {queued} in {queued_in:.1f} s")
    started = time.perf_counter()
    sent = await app.relay.drain()
    while pending(core) and time.perf_counter() - started < 3600:
        # A message whose retries ran out is due again after a back-off on the bot's clock.
        clock.advance(timedelta(seconds=30))
        sent += await app.relay.drain()
    drained_in = time.perf_counter() - started
    posts = [c for c in standin.calls("chat.postMessage") if c.ok]
    per_channel = Counter(str(c.args["channel"]) for c in posts)
    refused = [c for c in standin.calls() if c.http_status == 429]
    print(
        f"  relay sent {sent} outbox messages in {drained_in:.1f} s; still pending: {pending(core)}"
    )
    print(
        f"  channels with a digest: {len(per_channel)} of {total}; "
        f"most posts in one channel: {max(per_channel.values(), default=0)}; "
        f"429s: {len(refused)} ({Counter(c.method for c in refused)})"
    )
    for method in ("chat.postMessage", "conversations.history", "conversations.info"):
        by_team: dict[str, list[float]] = {}
        for call in standin.calls(method):
            if call.http_status == 200:
                by_team.setdefault(call.team_id or "", []).append(call.at)
        peak = max((peak_per_minute(times) for times in by_team.values()), default=0)
        print(
            f"  {method}: {len(standin.calls(method))} calls, "
            f"peak {peak} answered in any minute in one workspace"
        )
    # Slack lets a Tier 3 method take 50 calls in a minute: 100 per workspace need a second
    # minute, so the fan-out can't end sooner than that, whatever the bot does.
    floor = (math.ceil(per_workspace / TIER_3_PER_MINUTE) - 1) * 60
    print(
        f"  Slack's floor: {per_workspace} conversations.history per workspace at Tier 3 "
        f"({TIER_3_PER_MINUTE}/min) take at least {floor} s; the relay took {drained_in:.0f} s"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process (ru_maxrss): {peak_mb:.0f} MB")
    await app.stop_background()
    engine.dispose()
    standin.stop()


def main() -> None:
    workspaces = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    per_workspace = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp)) as database_url:
        asyncio.run(run(database_url, workspaces, per_workspace))


if __name__ == "__main__":
    main()
