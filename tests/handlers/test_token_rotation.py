"""Slack's token rotation (RELIABILITY.md row 3): an install with rotation on keeps its refresh
token sealed, and a token near or past its expiry is refreshed with `oauth.v2.access`
(`grant_type=refresh_token`) before any Web API call, for requests and for work done outside
them; concurrent refreshes of one workspace spend its single-use refresh token once.

The stand-in plays expiry: a lapsed token gets `token_expired`, a spent refresh token
`invalid_refresh_token`. Bolt's rotator reads the wall clock; the tests point it at the
injected clock and move the stand-in's clock by the same amount.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.token_rotation import async_rotator
from slack_sdk.web import WebClient
from sqlalchemy import Engine, select

from bot.clock import FrozenClock
from storage.crypto import TokenCipher
from storage.models import Installation
from tests.bot_server import RunningBot
from tests.conftest import SIGNING_SECRET
from tests.handlers.test_oauth_install import (
    KEY,
    _begin,
    _callback,
    oauth_bot_serving,
)
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, slash_command_body

# A Slack token as it starts in clear ("xoxb-", "xoxe-"…). Not just "xox": three letters
# turn up by chance in about one Fernet ciphertext in a thousand.
TOKEN_PREFIX = re.compile(r"xox[a-z]-")

TEAM = "T0ROTATE"
FIRST_TOKEN = "xoxe.xoxb-rotate-first"  # pragma: allowlist secret
BOT_USER = "U0ROTATEBOT"
INSTALLER = "U0ROTATEADMIN"
CHANNEL = "C0ROTATE"
TWELVE_HOURS = 12 * 3600


@pytest.fixture
def rotating(
    db: Engine, database_url: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SlackStandIn, RunningBot]]:
    """A multi-workspace bot and a workspace installed through OAuth with rotation on."""
    monkeypatch.setattr(async_rotator, "time", lambda: clock.now().timestamp())
    with oauth_bot_serving(db, database_url, clock) as (standin, bot):
        standin.add_oauth_code(
            "code-rotate",
            team_id=TEAM,
            team_name="Rotate",
            bot_token=FIRST_TOKEN,
            bot_user_id=BOT_USER,
            bot_id="B0ROTATE",
            scopes=["commands", "chat:write", "users:read"],
            authed_user_id=INSTALLER,
            token_lifetime=TWELVE_HOURS,
        )
        standin.add_user(TEAM, INSTALLER, name="admin", locale="en-US")
        standin.add_channel(TEAM, CHANNEL, name="general", members=[BOT_USER, INSTALLER])
        state, cookie = _begin(bot)
        assert _callback(bot, "code-rotate", state, cookie) == 200
        yield standin, bot


def _stored(bot: RunningBot) -> tuple[str, str, datetime]:
    """The installation's token, refresh token (decrypted) and expiry, as stored."""
    with bot.runtime.session_factory() as session:
        row = session.scalars(select(Installation).where(Installation.team_id == TEAM)).one()
    assert row.bot_token_encrypted is not None
    assert row.bot_refresh_token_encrypted is not None
    assert row.bot_token_expires_at is not None
    # Sealed like the token itself: no Slack prefix readable in the column.
    assert not TOKEN_PREFIX.search(row.bot_token_encrypted)
    assert not TOKEN_PREFIX.search(row.bot_refresh_token_encrypted)
    cipher = TokenCipher(KEY)
    return (
        cipher.decrypt(row.bot_token_encrypted),
        cipher.decrypt(row.bot_refresh_token_encrypted),
        row.bot_token_expires_at,
    )


def _refreshes(standin: SlackStandIn) -> list[str]:
    """Each refresh token the bot spent, in order."""
    return [
        str(call.args.get("refresh_token"))
        for call in standin.calls("oauth.v2.access")
        if call.args.get("grant_type") == "refresh_token"
    ]


def _help(standin: SlackStandIn, bot: RunningBot) -> str:
    body = slash_command_body(
        text="help",
        team_id=TEAM,
        user_id=INSTALLER,
        channel_id=CHANNEL,
        trigger_id=standin.new_trigger_id(TEAM),
        response_url=standin.new_response_url(),
    )
    response = SlackSender(bot.events_url, SIGNING_SECRET).post(
        body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status == 200, response.text
    return response.text


def _pass_time(standin: SlackStandIn, clock: FrozenClock, seconds: int) -> None:
    clock.advance(timedelta(seconds=seconds))
    standin.advance_clock(seconds)


def test_an_expired_token_is_refreshed_before_the_request_s_calls(
    rotating: tuple[SlackStandIn, RunningBot], clock: FrozenClock
) -> None:
    standin, bot = rotating
    token, refresh, expires_at = _stored(bot)
    assert token == FIRST_TOKEN
    assert refresh.startswith("xoxe-1-")
    assert abs((expires_at - clock.now()).total_seconds() - TWELVE_HOURS) < 60

    # A fresh token is used as it is.
    assert "journeybot commands" in _help(standin, bot)
    assert _refreshes(standin) == []

    _pass_time(standin, clock, TWELVE_HOURS + 60)
    with pytest.raises(SlackApiError, match="token_expired"):
        WebClient(token=FIRST_TOKEN, base_url=standin.api_url).auth_test()
    standin.clear_calls()

    assert "journeybot commands" in _help(standin, bot)

    assert _refreshes(standin) == [refresh]
    new_token, new_refresh, new_expiry = _stored(bot)
    assert new_token != FIRST_TOKEN
    assert new_refresh != refresh
    assert abs((new_expiry - clock.now()).total_seconds() - TWELVE_HOURS) < 60
    # Every call of the request went out with the new token, none failed.
    assert {call.token for call in standin.calls() if call.method != "oauth.v2.access"} == {
        new_token
    }
    assert all(call.ok for call in standin.calls())

    # The new token is good for twelve hours: the next request refreshes nothing.
    standin.clear_calls()
    assert "journeybot commands" in _help(standin, bot)
    assert _refreshes(standin) == []


def test_work_outside_a_request_refreshes_a_token_near_expiry_once(
    rotating: tuple[SlackStandIn, RunningBot], clock: FrozenClock
) -> None:
    standin, bot = rotating
    _token, refresh, _expiry = _stored(bot)
    # Eleven hours on: still valid at Slack, but inside the two hours before expiry.
    _pass_time(standin, clock, 11 * 3600)
    standin.clear_calls()
    clients = bot.app.services.clients

    async def post_from_five_jobs_at_once() -> None:
        made = await asyncio.gather(*(clients.for_workspace(TEAM, None) for _ in range(5)))
        for number, client in enumerate(made):
            await client.chat_postMessage(channel=CHANNEL, text=f"job {number}")

    bot.call(post_from_five_jobs_at_once())

    # The single-use refresh token was spent once, not five times.
    assert _refreshes(standin) == [refresh]
    new_token, new_refresh, _new_expiry = _stored(bot)
    assert new_token != FIRST_TOKEN
    assert new_refresh != refresh
    posts = standin.calls("chat.postMessage")
    assert len(posts) == 5
    assert all(call.ok for call in posts)
    assert {call.token for call in posts} == {new_token}
    assert all(call.ok for call in standin.calls("oauth.v2.access"))
