"""Enterprise Grid (RELIABILITY.md row 22): an org-wide install (`is_enterprise_install`, an
enterprise and no team) goes through the OAuth flow, is stored once for the org, and answers
for events from every workspace of that org, each filed under its own workspace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from bot.clock import FrozenClock
from storage.crypto import TokenCipher
from storage.models import Installation, Irritant
from tests.bot_server import RunningBot
from tests.conftest import SIGNING_SECRET
from tests.handlers.payloads import new_event_id, reaction_event
from tests.handlers.test_oauth_install import (
    KEY,
    _begin,
    _callback,
    oauth_bot_serving,
)
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, event_callback_body

ENTERPRISE = "E0GRID"
WORKSPACES = ("T0GRIDA", "T0GRIDB")  # two workspaces of the org
ORG_TOKEN = "xoxb-grid-org-wide"  # pragma: allowlist secret
BOT_USER = "W0GRIDBOT"  # an org's bot user is the same in each of its workspaces
ADMIN = "W0GRIDADMIN"
CLIENT = "W0GRIDCLIENT"
REPORTER = "W0GRIDREPORTER"
OUTSIDER = "T0ELSEWHERE"  # a workspace of no enterprise, not installed


def _channel(team_id: str) -> str:
    return f"C{team_id[1:]}"


@pytest.fixture
def grid(
    db: Engine, database_url: str, clock: FrozenClock
) -> Iterator[tuple[SlackStandIn, RunningBot]]:
    with oauth_bot_serving(db, database_url, clock) as (standin, bot):
        # The second workspace exists in the org before the install; its own token is
        # never handed to the bot.
        standin.add_workspace(
            WORKSPACES[1],
            name="Grid B",
            bot_token="xoxb-unused-grid-b",  # pragma: allowlist secret
            bot_user_id=BOT_USER,
            bot_id="B0GRID",
            enterprise_id=ENTERPRISE,
        )
        standin.add_oauth_code(
            "code-grid",
            team_id=WORKSPACES[0],
            team_name="Grid A",
            bot_token=ORG_TOKEN,
            bot_user_id=BOT_USER,
            bot_id="B0GRID",
            scopes=[
                "commands",
                "chat:write",
                "users:read",
                "channels:history",
                "reactions:read",
            ],
            authed_user_id=ADMIN,
            enterprise_id=ENTERPRISE,
            org_install=True,
        )
        for team_id in WORKSPACES:
            for user in (ADMIN, CLIENT, REPORTER):
                standin.add_user(team_id, user, name=user.lower(), locale="en-US")
            standin.add_channel(
                team_id, _channel(team_id), name="clients", members=[BOT_USER, CLIENT, REPORTER]
            )
        state, cookie = _begin(bot)
        assert _callback(bot, "code-grid", state, cookie) == 200
        yield standin, bot


def _react(standin: SlackStandIn, bot: RunningBot, team_id: str, *, org_install: bool) -> int:
    """A client's message in `team_id`, and a teammate's :rage: on it, as the org receives it."""
    channel = _channel(team_id)
    ts = standin.post_message(channel, user=CLIENT, text=f"Still waiting in {team_id}")
    body = event_callback_body(
        reaction_event(user=REPORTER, ts=ts, channel=channel, item_user=CLIENT),
        team_id=team_id,
        enterprise_id=ENTERPRISE,
        event_id=new_event_id(),
        api_app_id="A0JOURNEY",
        bot_user_id=BOT_USER,
        org_install=org_install,
    )
    return (
        SlackSender(bot.events_url, SIGNING_SECRET)
        .post(body, content_type="application/json")
        .status
    )


def _irritants(bot: RunningBot) -> list[tuple[str, str | None, str]]:
    with bot.runtime.session_factory() as session:
        rows = session.scalars(select(Irritant).order_by(Irritant.id))
        return [(row.team_id, row.enterprise_id, row.channel_id) for row in rows]


def test_an_org_wide_install_is_stored_once_for_the_org(
    grid: tuple[SlackStandIn, RunningBot],
) -> None:
    _standin, bot = grid
    with bot.runtime.session_factory() as session:
        [row] = list(session.scalars(select(Installation)))
    assert row.is_enterprise_install is True
    assert (row.enterprise_id, row.team_id) == (ENTERPRISE, "")
    assert row.bot_token_encrypted is not None
    assert TokenCipher(KEY).decrypt(row.bot_token_encrypted) == ORG_TOKEN


def test_events_from_each_workspace_of_the_org_use_the_org_install_and_stay_apart(
    grid: tuple[SlackStandIn, RunningBot],
) -> None:
    standin, bot = grid
    standin.clear_calls()

    for team_id in WORKSPACES:
        assert _react(standin, bot, team_id, org_install=True) == 200
    bot.drain_outbox()

    # Each irritant under the workspace it happened in, never under the org or no one.
    assert _irritants(bot) == [(team_id, ENTERPRISE, _channel(team_id)) for team_id in WORKSPACES]
    # The org's token found for both (the bot's follow-ups reached each workspace).
    confirmations = standin.calls("chat.postEphemeral")
    assert sorted(call.args["channel"] for call in confirmations) == sorted(
        _channel(team_id) for team_id in WORKSPACES
    )
    assert all(call.ok for call in confirmations)
    assert {call.token for call in standin.calls()} == {ORG_TOKEN}


def test_an_event_of_the_org_not_addressed_to_the_org_install_touches_nothing(
    grid: tuple[SlackStandIn, RunningBot],
) -> None:
    standin, bot = grid
    standin.clear_calls()

    # Same enterprise, but delivered for a workspace-level install the bot does not have.
    assert _react(standin, bot, WORKSPACES[1], org_install=False) == 200
    bot.drain_outbox()

    assert _irritants(bot) == []
    assert standin.calls("chat.postEphemeral") == []
