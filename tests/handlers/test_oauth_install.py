"""Multi-workspace OAuth: install two workspaces, each answered with its own encrypted token."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import Engine, select

from bot.clock import FrozenClock
from bot.wiring.app import make_core
from storage.crypto import TokenCipher, TokenCipherError
from storage.db import make_session_factory
from storage.models import Installation
from tests.bot_server import RunningBot, running_bot
from tests.conftest import SIGNING_SECRET, make_settings
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender, slash_command_body

# A Slack token as it starts in clear ("xoxb-", "xoxe-"…). Not just "xox": three letters
# turn up by chance in about one Fernet ciphertext in a thousand.
TOKEN_PREFIX = re.compile(r"xox[a-z]-")

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret-for-tests"  # pragma: allowlist secret
KEY = TokenCipher.generate_key()
WORKSPACES = {
    "T0NORTH": ("xoxb-north-0001", "U0NORTHBOT", "B0NORTH", "U0NORTHADMIN"),
    "T0SOUTH": ("xoxb-south-0002", "U0SOUTHBOT", "B0SOUTH", "U0SOUTHADMIN"),
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@contextmanager
def oauth_bot_serving(
    db: Engine, database_url: str, clock: FrozenClock
) -> Iterator[tuple[SlackStandIn, RunningBot]]:
    """A multi-workspace bot (OAuth settings, encrypted tokens) and the stand-in it talks to."""
    clock.set(datetime.now(UTC))
    with SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as standin:
        settings = make_settings(
            database_url,
            slack_bot_token=None,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_state_secret="state-secret",  # pragma: allowlist secret
            token_encryption_key=KEY,
            slack_api_url=standin.api_url,
        )
        runtime = make_core(settings, make_session_factory(db), clock)
        with running_bot(runtime, db) as bot:
            yield standin, bot


@pytest.fixture
def oauth_bot(
    db: Engine, database_url: str, clock: FrozenClock
) -> Iterator[tuple[SlackStandIn, RunningBot]]:
    with oauth_bot_serving(db, database_url, clock) as served:
        yield served


def _add_code(standin: SlackStandIn, team_id: str, code: str) -> None:
    token, bot_user, bot_id, installer = WORKSPACES[team_id]
    standin.add_oauth_code(
        code,
        team_id=team_id,
        team_name=team_id.lower(),
        bot_token=token,
        bot_user_id=bot_user,
        bot_id=bot_id,
        scopes=["commands", "chat:write", "users:read"],
        authed_user_id=installer,
    )
    standin.add_user(team_id, installer, name="admin", locale="en-US")


def _begin(bot: RunningBot) -> tuple[str, str]:
    """Open the install page: the state it issued and the cookie that carries it."""
    status, page, headers = _get(f"{bot.url}/slack/install")
    assert status == 200
    state = re.search(r"state=([^&\"']+)", page)
    assert state is not None
    cookie = SimpleCookie(headers.get("Set-Cookie", ""))
    cookie_header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
    return urllib.parse.unquote(state.group(1)), cookie_header


def _callback(bot: RunningBot, code: str, state: str | None, cookie: str | None) -> int:
    fields = {"code": code} if state is None else {"code": code, "state": state}
    query = urllib.parse.urlencode(fields)
    status, _page, _headers = _get(f"{bot.url}/slack/oauth_redirect?{query}", cookie)
    return status


def _install(standin: SlackStandIn, bot: RunningBot, team_id: str, code: str) -> int:
    _add_code(standin, team_id, code)
    state, cookie = _begin(bot)
    return _callback(bot, code, state, cookie)


def _installed_teams(bot: RunningBot) -> set[str]:
    with bot.runtime.session_factory() as session:
        return {row.team_id for row in session.scalars(select(Installation))}


def test_two_workspaces_install_and_each_uses_its_own_token(
    oauth_bot: tuple[SlackStandIn, RunningBot],
) -> None:
    standin, bot = oauth_bot
    assert _install(standin, bot, "T0NORTH", "code-north") == 200
    assert _install(standin, bot, "T0SOUTH", "code-south") == 200
    sender = SlackSender(bot.events_url, SIGNING_SECRET)
    for team_id, (token, _bot_user, _bot_id, installer) in WORKSPACES.items():
        standin.clear_calls()
        body = slash_command_body(
            text="help",
            team_id=team_id,
            user_id=installer,
            channel_id="C0GENERAL",
            trigger_id=standin.new_trigger_id(team_id),
            response_url=standin.new_response_url(),
        )
        response = sender.post(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200, response.text
        assert "journeybot commands" in response.text
        lookups = standin.calls("users.info")
        assert lookups
        assert {call.token for call in lookups} == {token}
    with bot.runtime.session_factory() as session:
        rows = list(session.scalars(select(Installation)))
    assert {row.team_id for row in rows} == set(WORKSPACES)
    for row in rows:
        assert row.bot_token_encrypted is not None
        assert not TOKEN_PREFIX.search(row.bot_token_encrypted)
        assert TokenCipher(KEY).decrypt(row.bot_token_encrypted) == WORKSPACES[row.team_id][0]
        with pytest.raises(TokenCipherError, match="does not decrypt with the configured keys"):
            TokenCipher(TokenCipher.generate_key()).decrypt(row.bot_token_encrypted)


def test_forged_state_installs_nothing(
    oauth_bot: tuple[SlackStandIn, RunningBot],
) -> None:
    _standin, bot = oauth_bot
    status, _page, _headers = _get(
        f"{bot.url}/slack/oauth_redirect?code=x&state=forged.state",
        "slack-app-oauth-state=forged.state",
    )
    assert 400 <= status < 500
    assert _installed_teams(bot) == set()


def test_missing_state_installs_nothing(oauth_bot: tuple[SlackStandIn, RunningBot]) -> None:
    standin, bot = oauth_bot
    _add_code(standin, "T0NORTH", "code-north")
    _state, cookie = _begin(bot)

    assert 400 <= _callback(bot, "code-north", None, cookie) < 500
    assert 400 <= _callback(bot, "code-north", None, None) < 500
    assert _installed_teams(bot) == set()
    assert standin.calls("oauth.v2.access") == []


def test_reused_state_installs_nothing_more(oauth_bot: tuple[SlackStandIn, RunningBot]) -> None:
    standin, bot = oauth_bot
    _add_code(standin, "T0NORTH", "code-north")
    _add_code(standin, "T0SOUTH", "code-south")
    state, cookie = _begin(bot)
    assert _callback(bot, "code-north", state, cookie) == 200
    standin.clear_calls()

    # The same state (and its cookie) replayed with another workspace's code.
    assert 400 <= _callback(bot, "code-south", state, cookie) < 500

    assert _installed_teams(bot) == {"T0NORTH"}
    assert standin.calls("oauth.v2.access") == []


def test_expired_state_installs_nothing(
    oauth_bot: tuple[SlackStandIn, RunningBot], clock: FrozenClock
) -> None:
    standin, bot = oauth_bot
    _add_code(standin, "T0NORTH", "code-north")
    state, cookie = _begin(bot)

    clock.advance(timedelta(seconds=601))  # states live 600 s

    assert 400 <= _callback(bot, "code-north", state, cookie) < 500
    assert _installed_teams(bot) == set()
    assert standin.calls("oauth.v2.access") == []


def test_a_click_from_another_workspace_cannot_act_on_our_irritant(
    oauth_bot: tuple[SlackStandIn, RunningBot],
) -> None:
    """Two installations: South's user clicks a button carrying North's irritant id."""
    from bot.irritants import rules
    from bot.tenancy import Workspace
    from storage.models import Irritant
    from tests.slack_standin.inbound import (
        block_actions_payload,
        button_action,
        interactivity_body,
    )

    standin, bot = oauth_bot
    assert _install(standin, bot, "T0NORTH", "code-north") == 200
    assert _install(standin, bot, "T0SOUTH", "code-south") == 200
    north = Workspace("T0NORTH")
    result = bot.runtime.in_transaction(
        rules.report,
        ws=north,
        channel_id="C0NORTH",
        message_ts="1700000100.000100",
        reporter_id="U0NORTHADMIN",
        via="rage",
        now=bot.runtime.clock.now(),
        text="Secret pain",
    )
    value = json.dumps({"s": "open", "c": None, "p": 0, "id": result.irritant_id})
    response_url = standin.new_response_url()
    payload = block_actions_payload(
        team_id="T0SOUTH",
        user_id="U0SOUTHADMIN",
        channel_id="C0SOUTH",
        message={"type": "message", "ts": "1700000500.000100", "text": "list"},
        actions=[button_action("irritant-acknowledge", block_id="b", value=value)],
        response_url=response_url,
        trigger_id=standin.new_trigger_id("T0SOUTH"),
    )
    sender = SlackSender(bot.events_url, SIGNING_SECRET)

    answer = sender.post(
        interactivity_body(payload), content_type="application/x-www-form-urlencoded"
    )

    assert answer.status == 200
    with bot.runtime.session_factory() as session:
        irritant = session.get(Irritant, result.irritant_id)
        assert irritant is not None
        assert irritant.status == "new"
    replies = [call for call in standin.calls("response_url") if call.url == response_url]
    assert "Secret pain" not in json.dumps([call.args for call in replies])
