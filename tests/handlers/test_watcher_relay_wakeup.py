"""The outbox relay is woken by the commit that writes to the outbox, not only by its poll.

A due alert is decided by the scheduler's tick (on the scheduler's own thread), and an alert's
update by a button's listener; either way the relay sends it at once. The relay's poll is set
to an hour here, so a test that passes can only have been woken.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bot.scheduler import run_job
from bot.watcher.feature import SCAN_EVERY
from tests.handlers.conftest import BRUNO, CLIENTS, Slack
from tests.handlers.watcher_fixtures import (
    SCAN,
    WatchChannel,
    alert_posts,
    click,
    client_writes,
    stored,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

PROMPT = 2.0  # seconds: the first nudge goes within this of its due time


def _no_polling(slack: Slack) -> None:
    relay = slack.bot.app.relay
    relay.poll_seconds = 3600.0
    relay.wake()  # ends the wait in progress; the next one lasts an hour unless woken
    time.sleep(0.1)


def test_a_due_nudge_is_sent_right_after_the_tick_that_decides_it(
    slack: Slack, watched: WatchChannel
) -> None:
    _no_polling(slack)
    watched()
    client_writes(slack)
    slack.bot.runtime.clock.advance(timedelta(hours=3))  # type: ignore[attr-defined]
    # The scheduler ticks at least once a second, so a nudge is decided within a second of
    # falling due; what follows shows it is then sent without waiting for the poll.
    assert timedelta(seconds=1) >= SCAN_EVERY
    started = time.monotonic()
    assert run_job(slack.runtime, SCAN) == {"nudged": 1, "escalated": 0, "postponed": 0}
    slack.standin.wait_for(
        "chat.postMessage", timeout=PROMPT, predicate=lambda call: bool(call.args.get("metadata"))
    )
    assert time.monotonic() - started < PROMPT
    assert len(alert_posts(slack)) == 1


def test_a_buttons_outbox_row_wakes_the_relay(slack: Slack, watched: WatchChannel) -> None:
    watched()
    client_writes(slack)
    slack.bot.runtime.clock.advance(timedelta(hours=3))  # type: ignore[attr-defined]
    run_job(slack.runtime, SCAN)
    slack.bot.drain_outbox()
    [nudge] = alert_posts(slack)
    alert_ts = next(
        c for c in slack.standin.calls("chat.postMessage") if c.args.get("metadata")
    ).response["ts"]
    _no_polling(slack)
    started = time.monotonic()
    assert (
        click(
            slack,
            user=BRUNO,
            action_id="request-take",
            value=str(stored(slack)[0].id),
            channel=CLIENTS,
            message_ts=alert_ts,
        )
        == 200
    )
    slack.standin.wait_for("chat.update", timeout=PROMPT)
    assert time.monotonic() - started < PROMPT
    assert nudge["channel"] == CLIENTS
