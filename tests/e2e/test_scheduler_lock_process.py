"""Two `journeybot run` on one SQLite file: one runs the scheduled jobs, the other stands by
(and says so) until the first dies, then takes over."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.e2e.process import BotProcess, journeybot_process
from tests.handlers.conftest import populate
from tests.slack_standin import SlackStandIn

pytestmark = pytest.mark.e2e

STANDING_BY = "scheduler not started: another journeybot process holds"
TAKEN_OVER = "scheduler started: the process that held"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        populate(running)
        yield running


def _wait_for_line(bot: BotProcess, line: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if line in bot.log():
            return
        time.sleep(0.1)
    raise AssertionError(f"never logged {line!r}:\n{bot.log()}")


def test_a_second_process_on_one_sqlite_file_runs_no_scheduler_until_the_first_dies(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
        "LOG_LEVEL": "DEBUG",  # a tick that runs logs `job … done`, even one with nothing due
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with journeybot_process(env, tmp_path / "a") as first:
        _wait_for_line(first, "scheduler started: this process holds")
        with journeybot_process(env, tmp_path / "b") as second:
            _wait_for_line(second, STANDING_BY)
            time.sleep(2.0)  # four ticks of the watcher's scan, had it started
            assert "job request-alerts done" not in second.log()
            assert "job request-alerts done" in first.log()
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(10)
            _wait_for_line(second, TAKEN_OVER)
            _wait_for_line(second, "job request-alerts done")
            assert second.stop() == 0
    assert second.log().count(STANDING_BY) == 1  # said once, not at every tick
