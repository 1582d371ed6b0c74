"""Several journeybot replicas on one database never send the same outbox message twice."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, func, select

from bot.clock import FrozenClock
from bot.wiring.app import make_core
from storage.db import make_session_factory
from storage.models import OutboxMessage
from tests.bot_server import running_bot
from tests.conftest import make_settings
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, Slack
from tests.handlers.payloads import reaction_event, send_event

REPORTS = 30


def test_three_replicas_share_the_outbox_without_duplicates(
    slack: Slack, db: Engine, database_url: str, clock: FrozenClock
) -> None:
    # Stop the first replica's own relay from racing ahead: reports are queued first.
    for index in range(REPORTS):
        ts = slack.standin.post_message(CLIENTS, user=CHLOE, text=f"pain {index}")
        assert send_event(slack, reaction_event(user=ANNA if index % 2 else BRUNO, ts=ts)) == 200
    settings = make_settings(database_url, slack_api_url=slack.standin.api_url)
    replicas = [slack.bot]
    contexts = []
    for _ in range(2):
        runtime = make_core(settings, make_session_factory(db), clock)
        context = running_bot(runtime, db)
        replicas.append(context.__enter__())
        contexts.append(context)
    try:
        barrier = threading.Barrier(len(replicas))

        def drain(replica: object) -> None:
            barrier.wait()
            replica.drain_outbox()  # type: ignore[attr-defined]

        threads = [threading.Thread(target=drain, args=(replica,)) for replica in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    sent = Counter(
        (call.args["channel"], call.args["user"], str(call.args["blocks"]))
        for call in slack.standin.calls("chat.postEphemeral")
        if call.http_status == 200
    )
    assert sum(sent.values()) == REPORTS
    assert max(sent.values()) == 1
    with slack.runtime.session_factory() as session:
        unsent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
    assert unsent == 0
