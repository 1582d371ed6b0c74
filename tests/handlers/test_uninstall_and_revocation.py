"""Uninstall or token revocation removes access and data (RELIABILITY.md row 6).

Slack sends `app_uninstalled` and `tokens_revoked` in either order and may deliver each more
than once. Whatever the order: no row of the workspace is left in any tenant table (its
installation, its pending outbox messages included), no Slack call is made with its dead
token, the second delivery changes nothing, and the other workspace keeps everything.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.irritants import rules
from bot.tenancy import Workspace
from handlers.features import feature_set
from storage.models import Installation
from storage.repositories import outbox
from tests.bot_server import RunningBot
from tests.conftest import SIGNING_SECRET
from tests.handlers.test_oauth_install import WORKSPACES, _install, oauth_bot
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender

__all__ = ["oauth_bot"]  # the fixture, shared with the install tests

GONE, STAYS = "T0NORTH", "T0SOUTH"
_event_ids = itertools.count(1)


def _rows_of(bot: RunningBot, team_id: str) -> dict[str, int]:
    tables = {*feature_set().tenant_tables, Installation}
    with bot.runtime.session_factory() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.team_id == team_id)
            )
            or 0
            for model in tables
        }


def _report(bot: RunningBot, team_id: str, ts: str = "1700000100.000100") -> None:
    """An irritant with its pending confirmation (an outbox row) in the workspace."""
    _token, _bot_user, _bot_id, installer = WORKSPACES[team_id]
    bot.runtime.in_transaction(
        rules.report,
        ws=Workspace(team_id),
        channel_id=f"C{team_id}",
        message_ts=ts,
        reporter_id=installer,
        via="rage",
        now=bot.runtime.clock.now(),
        text="A client's words",
    )


def _deliver(bot: RunningBot, team_id: str, kind: str) -> int:
    _token, bot_user, _bot_id, installer = WORKSPACES[team_id]
    event: dict[str, Any] = {"type": kind, "event_ts": "1700000200.000100"}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": [installer], "bot": [bot_user]}
    sender = SlackSender(bot.events_url, SIGNING_SECRET)
    response = sender.event(
        event, team_id=team_id, event_id=f"EvGONE{next(_event_ids):04d}", bot_user_id=bot_user
    )
    return response.status


@pytest.mark.parametrize(
    "order",
    [("app_uninstalled", "tokens_revoked"), ("tokens_revoked", "app_uninstalled")],
    ids=["uninstall-first", "revocation-first"],
)
def test_both_events_in_either_order_twice_leave_nothing_of_the_workspace(
    oauth_bot: tuple[SlackStandIn, RunningBot], clock: FrozenClock, order: tuple[str, str]
) -> None:
    standin, bot = oauth_bot
    assert _install(standin, bot, GONE, "code-north") == 200
    assert _install(standin, bot, STAYS, "code-south") == 200
    _report(bot, GONE)
    _report(bot, STAYS)
    bot.drain_outbox()  # the confirmations, sent while the token still worked
    # Work scheduled for later: a report made "ten minutes from now" is confirmed then.
    start = clock.now()
    clock.set(start + timedelta(minutes=10))
    _report(bot, GONE, ts="1700000300.000100")
    clock.set(start)
    with bot.runtime.session_factory() as session:
        assert outbox.pending_count(session, team_id=GONE) > 0
    before = _rows_of(bot, GONE)
    assert before["installations"] > 0
    assert before["outbox"] > 0
    assert before["irritants"] > 0
    south_before = _rows_of(bot, STAYS)
    dead_token = WORKSPACES[GONE][0]
    standin.clear_calls()

    first, second = order
    assert _deliver(bot, GONE, first) == 200
    assert _deliver(bot, GONE, second) == 200
    assert _rows_of(bot, GONE) == dict.fromkeys(_rows_of(bot, GONE), 0)

    # Each delivered again: harmless, and still nothing comes back.
    assert _deliver(bot, GONE, first) == 200
    assert _deliver(bot, GONE, second) == 200
    clock.set(start + timedelta(minutes=11))
    bot.drain_outbox()

    assert set(_rows_of(bot, GONE).values()) == {0}
    assert _rows_of(bot, STAYS) == south_before
    assert [call.method for call in standin.calls() if call.token == dead_token] == []
