"""The Slack stand-in itself, driven by slack_sdk's own clients over real sockets.

Each test pins one promise of SLACK_CONTRACT.md: when Slack would refuse a call, so must the
stand-in, or tests of the bot would pass against a Slack that doesn't exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_standin import (
    SlackSender,
    SlackStandIn,
    block_actions_payload,
    button_action,
    check_view_submission_response,
    event_callback_body,
    interactivity_body,
    message_action_payload,
    shortcut_payload,
    sign,
    slash_command_body,
    slash_command_payload,
    view_submission_payload,
)
from tests.slack_standin.inbound import FORM, Who

TEAM, BOT_TOKEN, BOT_USER, BOT_ID = "T0STAND", "xoxb-standin-test", "U0BOT", "B0BOT"
ANNA, BRUNO = "U0ANNA", "U0BRUNO"
GENERAL, RANDOM, SECRET, OLD = "C0GENERAL", "C0RANDOM", "C0SECRET", "C0OLD"
APP_TOKEN, CLIENT_ID, CLIENT_SECRET = "xapp-1-A0JOURNEY-1-test", "111.222", "shh"
ANNA_IN_TEAM: Who = {"team_id": TEAM, "user_id": ANNA}
NOTE_INPUT = {
    "type": "input",
    "block_id": "note",
    "label": {"type": "plain_text", "text": "Note"},
    "element": {"type": "plain_text_input", "action_id": "text"},
}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def modal(*blocks: dict[str, Any], submit: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Journey"},
        "blocks": list(blocks) or [section("hello")],
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": "Save"}
    return view


def refusal(call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The body of the SlackApiError the call raises."""
    with pytest.raises(SlackApiError, match="The request to the Slack API failed") as raised:
        call(*args, **kwargs)
    return dict(raised.value.response.data)


def error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    return str(refusal(call, *args, **kwargs)["error"])


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, app_token=APP_TOKEN) as s:
        s.add_workspace(TEAM, name="Acme", bot_token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id=BOT_ID)
        s.add_user(TEAM, ANNA, name="anna", tz="Europe/London", locale="en-GB")
        s.add_user(TEAM, BRUNO, name="bruno", locale="fr-FR")
        s.add_channel(TEAM, GENERAL, name="general", members=[BOT_USER, ANNA, BRUNO])
        s.add_channel(TEAM, RANDOM, name="random", members=[ANNA])
        s.add_channel(TEAM, SECRET, name="secret", members=[ANNA], is_private=True)
        s.add_channel(TEAM, OLD, name="old", members=[BOT_USER], is_archived=True)
        yield s


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=standin.api_url)


def test_post_message_is_recorded_with_decoded_args(
    standin: SlackStandIn, client: WebClient
) -> None:
    sent = client.chat_postMessage(channel=GENERAL, text="hi", blocks=[section("*hi*")])
    form = {"channel": GENERAL, "text": "f", "blocks": json.dumps([section("x")])}
    posted = client.api_call("chat.postMessage", params=form)
    [first, second] = standin.calls("chat.postMessage", team_id=TEAM)
    assert (first.token, first.http_status, first.ok) == (BOT_TOKEN, 200, True)
    assert first.args == {"channel": GENERAL, "text": "hi", "blocks": [section("*hi*")]}
    assert second.args["blocks"] == [section("x")]  # a form's JSON string, decoded
    assert float(posted["ts"]) > float(sent["ts"])
    assert [m.text for m in standin.messages(GENERAL)] == ["hi", "f"]
    assert sent["message"]["bot_id"] == BOT_ID
    metadata = {"event_type": "irritant", "event_payload": {"id": 7}}
    client.chat_postMessage(channel=GENERAL, text="r", thread_ts="1.000001", metadata=metadata)
    assert standin.unknown_thread_posts == [(GENERAL, "1.000001")]  # Slack still says ok
    latest = client.conversations_history(channel=GENERAL, limit=1, include_all_metadata=True)
    assert latest["messages"][0]["metadata"] == metadata


def test_message_metadata_is_checked_like_slack(client: WebClient) -> None:
    def refused(metadata: Any) -> str:
        return error(client.chat_postMessage, channel=GENERAL, text="t", metadata=metadata)

    assert refused("not json") == "invalid_metadata_format"
    assert refused([1, 2]) == "invalid_metadata_format"
    assert refused({"event_payload": {"week": "2026-11-30"}}) == "invalid_metadata_schema"
    assert refused({"event_type": "digest", "event_payload": "week"}) == "invalid_metadata_schema"
    tagged = {"event_type": "digest", "event_payload": {"week": "2026-11-30"}}
    posted = client.chat_postMessage(channel=GENERAL, text="t", metadata=tagged)
    # Without include_all_metadata the history hides it; with it, it is there as sent.
    plain = client.conversations_history(channel=GENERAL, limit=1)
    assert "metadata" not in plain["messages"][0]
    shown = client.conversations_history(channel=GENERAL, limit=1, include_all_metadata=True)
    assert shown["messages"][0]["ts"] == posted["ts"]
    assert shown["messages"][0]["metadata"] == tagged


def test_bad_blocks_are_refused_with_json_pointers(client: WebClient) -> None:
    def refused(*blocks: Any) -> dict[str, Any]:
        return refusal(client.chat_postMessage, channel=GENERAL, text="t", blocks=list(blocks))

    too_long = refused(section("ok"), section("x" * 3001))
    assert too_long["error"] == "invalid_blocks"
    assert too_long["errors"][0].endswith("[json-pointer:/blocks/1]")
    assert too_long["response_metadata"]["messages"][0].startswith("[ERROR] ")
    empty = ["must be more than 0 characters [json-pointer:/blocks/0/text/text]"]
    assert refused(section(""))["errors"] == empty
    unknown = ["unsupported type: sektion [json-pointer:/blocks/0/type]"]
    assert refused({"type": "sektion"})["errors"] == unknown
    buttons = refused({"type": "actions", "elements": [{"type": "buton", "action_id": "a"}]})
    assert buttons["errors"] == ["unsupported type: buton [json-pointer:/blocks/0/elements/0]"]
    twice = json.dumps(json.dumps([section("x")]))
    double = {"channel": GENERAL, "blocks": twice}
    assert error(client.api_call, "chat.postMessage", json=double) == "invalid_blocks_format"


def test_block_counts_unique_ids_and_text_length(client: WebClient) -> None:
    def refused(*blocks: Any) -> list[str]:
        body = refusal(client.chat_postMessage, channel=GENERAL, text="t", blocks=list(blocks))
        return list(body["errors"])

    divider = {"type": "divider"}
    assert client.chat_postMessage(channel=GENERAL, text="t", blocks=[divider] * 50)["ok"]
    assert refused(*[divider] * 51) == ["no more than 50 items allowed [json-pointer:/blocks]"]
    twins = refused(section("a", block_id="b1"), section("b", block_id="b1"))
    assert twins == ["duplicate block_id: b1 [json-pointer:/blocks/1/block_id]"]
    go = [
        {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": t}}
        for t in ("A", "B")
    ]
    assert refused({"type": "actions", "elements": go}) == [
        "duplicate action_id: go [json-pointer:/blocks/0]"
    ]
    assert error(client.chat_postMessage, channel=GENERAL, text="x" * 40_001) == "msg_too_long"


def test_a_modal_with_an_input_needs_submit(standin: SlackStandIn, client: WebClient) -> None:
    no_submit = modal(NOTE_INPUT, submit=False)
    refused = refusal(client.views_open, trigger_id=standin.new_trigger_id(TEAM), view=no_submit)
    assert refused["error"] == "invalid_arguments"
    assert refused["response_metadata"]["messages"] == [
        "[ERROR] must define `submit` to use `input` block [json-pointer:/view/blocks/0/input]"
    ]
    view = client.views_open(trigger_id=standin.new_trigger_id(TEAM), view=modal(NOTE_INPUT))[
        "view"
    ]
    assert view["id"].startswith("V")
    assert view["state"] == {"values": {}}
    assert (view["root_view_id"], view["previous_view_id"]) == (view["id"], None)
    assert standin.view(view["id"])["hash"] == view["hash"]
    big = modal(*[section("x" * 2900, block_id=f"b{i}") for i in range(90)])
    trigger = standin.new_trigger_id(TEAM)
    assert error(client.views_open, trigger_id=trigger, view=big) == "view_too_large"


def test_membership_decides_where_the_bot_can_post(client: WebClient) -> None:
    assert error(client.chat_postMessage, channel=RANDOM, text="x") == "not_in_channel"
    # A private channel the bot isn't in doesn't exist as far as the bot can tell.
    assert error(client.chat_postMessage, channel=SECRET, text="x") == "channel_not_found"
    assert error(client.chat_postMessage, channel="C0NOPE", text="x") == "channel_not_found"
    assert error(client.chat_postMessage, channel=OLD, text="x") == "is_archived"
    assert error(client.conversations_history, channel=RANDOM) == "not_in_channel"
    assert error(client.conversations_join, channel=SECRET) == "channel_not_found"
    client.conversations_join(channel=RANDOM)
    assert client.chat_postMessage(channel=RANDOM, text="joined")["ok"]
    dm = client.conversations_open(users=ANNA)["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=ANNA)["channel"]["id"] == dm
    assert client.chat_postMessage(channel=dm, text="psst")["channel"] == dm
    assert client.chat_postMessage(channel=ANNA, text="psst")["channel"] == dm  # a user id
    ephemeral = error(client.chat_postEphemeral, channel=OLD, user=ANNA, text="x")
    assert ephemeral == "user_not_in_channel"


def test_missing_arguments_get_slacks_errors(client: WebClient) -> None:
    def missing(method: str, **args: Any) -> str:
        return error(client.api_call, method, json=args)

    assert missing("chat.postMessage", channel=GENERAL) == "no_text"
    assert missing("chat.postMessage", text="x") == "channel_not_found"
    assert missing("users.info") == "user_not_found"
    assert missing("conversations.replies", channel=GENERAL) == "thread_not_found"
    assert missing("views.update", view=modal()) == "invalid_arguments"
    assert missing("views.open", view=modal()) == "invalid_arguments"
    assert missing("files.getUploadURLExternal", filename="a.csv") == "missing_argument"
    assert missing("reactions.add", name="tada") == "no_item_specified"
    assert missing("chat.update", channel=GENERAL, text="x") == "message_not_found"


def test_trigger_ids_last_3s_and_work_once(standin: SlackStandIn, client: WebClient) -> None:
    def opening(trigger_id: str) -> str:
        return error(client.views_open, trigger_id=trigger_id, view=modal())

    late = standin.new_trigger_id(TEAM)
    standin.advance_clock(3.01)
    assert opening(late) == "expired_trigger_id"
    expired = standin.new_trigger_id(TEAM)
    standin.expire_trigger(expired)
    assert opening(expired) == "expired_trigger_id"
    fresh = standin.new_trigger_id(TEAM)
    standin.advance_clock(2.9)
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    assert opening(fresh) == "exchanged_trigger_id"
    assert opening("1.2.3") == "invalid_trigger_id"
    assert opening(standin.new_trigger_id("T0OTHER")) == "invalid_trigger_id"


def test_a_modal_stacks_at_most_three_views(standin: SlackStandIn, client: WebClient) -> None:
    def push(from_view: str | None) -> Any:
        return client.views_push(
            trigger_id=standin.new_trigger_id(TEAM, view_id=from_view), view=modal()
        )

    root = client.views_open(trigger_id=standin.new_trigger_id(TEAM), view=modal())["view"]
    second = push(root["id"])["view"]
    third = push(second["id"])["view"]
    assert third["root_view_id"] == root["id"]
    assert third["previous_view_id"] == second["id"]
    assert error(push, third["id"]) == "push_limit_reached"
    assert error(push, None) == "invalid_trigger_id"  # not from inside a modal
    standin.close_view(third["id"])
    assert push(root["id"])["view"]["previous_view_id"] == second["id"]


def test_views_update_checks_ids_and_hash(standin: SlackStandIn, client: WebClient) -> None:
    view = client.views_open(trigger_id=standin.new_trigger_id(TEAM), view=modal())["view"]
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal(section("2")))
    assert updated["view"]["hash"] != view["hash"]
    stale = {"view_id": view["id"], "hash": view["hash"], "view": modal()}
    assert error(client.views_update, **stale) == "hash_conflict"
    assert error(client.views_update, view_id="V0NOPE", view=modal()) == "not_found"
    home = {"type": "home", "blocks": [section("home")]}
    assert client.views_publish(user_id=ANNA, view=home)["view"]["type"] == "home"
    assert standin.home_view(TEAM, ANNA) == home
    assert error(client.views_publish, user_id=ANNA, view=modal()) == "invalid_arguments"


def test_429_with_retry_after_is_retried_by_slack_sdk(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.inject("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError, match="'error': 'ratelimited'") as raised:
        client.chat_postMessage(channel=GENERAL, text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert raised.value.response["error"] == "ratelimited"
    standin.inject("chat.postMessage", status=429, retry_after=1)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    started = time.monotonic()
    assert client.chat_postMessage(channel=GENERAL, text="again")["ok"]
    assert time.monotonic() - started >= 1.0  # it waited as Retry-After said
    assert [c.http_status for c in standin.calls("chat.postMessage")] == [429, 429, 200]


def test_per_method_limits_per_workspace_answer_429_until_the_minute_frees_a_call() -> None:
    now = [1000.0]
    with SlackStandIn(clock=lambda: now[0]) as limited:
        limited.add_workspace(
            TEAM, name="Acme", bot_token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id=BOT_ID
        )
        limited.add_workspace(
            "T0OTHER", name="Other", bot_token="xoxb-other", bot_user_id="U0B2", bot_id="B0B2"
        )
        limited.add_channel(TEAM, GENERAL, name="general", members=[BOT_USER])
        limited.add_channel("T0OTHER", RANDOM, name="random", members=["U0B2"])
        limited.method_limits = {"conversations.history": 3}
        acme = WebClient(token=BOT_TOKEN, base_url=limited.api_url)
        other = WebClient(token="xoxb-other", base_url=limited.api_url)
        for second in range(3):
            now[0] = 1000.0 + second * 10
            assert acme.conversations_history(channel=GENERAL)["ok"]
        now[0] = 1045.0
        with pytest.raises(SlackApiError, match="ratelimited") as raised:
            acme.conversations_history(channel=GENERAL)
        assert (
            raised.value.response.headers["Retry-After"] == "15"
        )  # the 1000.0 call leaves at 1060
        assert other.conversations_history(channel=RANDOM)["ok"]  # each workspace has its own
        assert acme.conversations_info(channel=GENERAL)["ok"]  # and each method
        now[0] = 1060.0
        assert acme.conversations_history(channel=GENERAL)["ok"]


def test_500_and_error_injection(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject("users.info", status=500, times=2)
    standin.inject("users.info", error="fatal_error")
    assert [error(client.users_info, user=ANNA) for _ in range(3)] == [
        "internal_error",
        "internal_error",
        "fatal_error",
    ]
    assert client.users_info(user=ANNA)["ok"]
    assert [c.http_status for c in standin.calls("users.info")] == [500, 500, 200, 200]


def test_files_upload_v2_round_trip(standin: SlackStandIn, client: WebClient) -> None:
    data = b"id,text\n1,slow checkout\n"
    client.files_upload_v2(
        channel=GENERAL, content=data, filename="irritants.csv", title="Export", initial_comment="."
    )
    [uploaded] = standin.uploaded_files()
    assert (uploaded.filename, uploaded.title, uploaded.channel) == (
        "irritants.csv",
        "Export",
        GENERAL,
    )
    assert uploaded.content == data
    assert standin.messages(GENERAL)[-1].files == [uploaded.id]
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.files_upload_v2(channel=RANDOM, content=b"x", filename="x.txt")

    async def upload_async() -> None:
        async_client = AsyncWebClient(token=BOT_TOKEN, base_url=standin.api_url)
        await async_client.files_upload_v2(channel=GENERAL, content=b"{}", filename="a.json")

    asyncio.run(upload_async())
    assert [f.content for f in standin.uploaded_files()] == [data, b"{}"]
    unknown = error(client.files_completeUploadExternal, files=[{"id": "F0NOPE"}])
    assert unknown == "file_not_found"


def test_oauth_v2_access_installs_a_workspace(standin: SlackStandIn) -> None:
    scopes = ["commands", "chat:write", "users:read"]
    standin.add_oauth_code(
        "code-1",
        team_id="T0NEW",
        team_name="New Co",
        bot_token="xoxb-new",
        bot_user_id="U0NEWBOT",
        bot_id="B0NEW",
        scopes=scopes,
        authed_user_id="U0ADMIN",
    )
    exchange = WebClient(base_url=standin.api_url).oauth_v2_access
    answer = exchange(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="code-1")
    assert (answer["access_token"], answer["token_type"]) == ("xoxb-new", "bot")
    assert answer["scope"] == "commands,chat:write,users:read"
    assert answer["team"] == {"id": "T0NEW", "name": "New Co"}
    assert answer["enterprise"] is None
    assert (answer["authed_user"], answer["bot_user_id"]) == ({"id": "U0ADMIN"}, "U0NEWBOT")
    assert error(exchange, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="code-1") == (
        "invalid_code"  # codes are single-use
    )
    assert error(exchange, client_id=CLIENT_ID, client_secret="no", code="x") == "bad_client_secret"
    installed = WebClient(token="xoxb-new", base_url=standin.api_url)
    identity = installed.auth_test()
    assert (identity["team_id"], identity["user_id"]) == ("T0NEW", "U0NEWBOT")
    assert identity["bot_id"] == "B0NEW"
    assert identity.headers["x-oauth-scopes"] == ",".join(scopes)
    missing = refusal(installed.reactions_add, channel="C1", timestamp="1.2", name="x")
    assert (missing["error"], missing["needed"]) == ("missing_scope", "reactions:write")


def test_tokens_and_methods_are_checked(standin: SlackStandIn, client: WebClient) -> None:
    standin.revoke_token(BOT_TOKEN)
    assert error(client.auth_test) == "token_revoked"
    assert error(WebClient(token="xoxb-who", base_url=standin.api_url).auth_test) == "invalid_auth"
    assert error(WebClient(base_url=standin.api_url).auth_test) == "not_authed"
    assert error(client.api_call, "chat.nope") == "unknown_method"
    bot_token = WebClient(token=BOT_TOKEN, base_url=standin.api_url)
    not_app_level = error(bot_token.apps_connections_open, app_token=BOT_TOKEN)
    assert not_app_level == "not_allowed_token_type"


def test_wait_for_times_out_with_a_listing(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    standin.inject("chat.postMessage", error="ratelimited")
    with pytest.raises(SlackApiError, match="'error': 'ratelimited'"):
        client.chat_postMessage(channel=GENERAL, text="x")
    with pytest.raises(AssertionError, match="got 0; the stand-in received:") as raised:
        standin.wait_for("chat.postMessage", predicate=lambda call: call.ok, timeout=0.2)
    assert "got 0; the stand-in received:" in str(raised.value)
    assert "  auth.test -> HTTP 200 ok\n" in str(raised.value)
    assert "  chat.postMessage -> HTTP 200 ratelimited" in str(raised.value)
    later = threading.Timer(0.1, lambda: client.chat_postMessage(channel=GENERAL, text="y"))
    later.start()
    [arrived] = standin.wait_for("chat.postMessage", predicate=lambda call: call.ok)
    assert arrived.args["text"] == "y"
    later.join()


def test_users_info_tells_the_locale_only_when_asked(client: WebClient) -> None:
    plain = client.users_info(user=ANNA)["user"]
    assert "locale" not in plain
    assert (plain["tz"], plain["tz_offset"] in (0, 3600)) == ("Europe/London", True)
    assert client.users_info(user=ANNA, include_locale=True)["user"]["locale"] == "en-GB"
    assert error(client.users_info, user="U0NOBODY") == "user_not_found"


def test_dnd_info_shows_another_user_s_scheduled_period_only(
    standin: SlackStandIn, client: WebClient
) -> None:
    off = client.dnd_info(user=ANNA)
    assert off["dnd_enabled"] is False
    standin.set_dnd(TEAM, ANNA, 1_700_000_000, 1_700_003_600)
    on = client.dnd_info(user=ANNA)
    assert (on["dnd_enabled"], on["next_dnd_start_ts"], on["next_dnd_end_ts"]) == (
        True,
        1_700_000_000,
        1_700_003_600,
    )
    assert "snooze_enabled" not in on.data  # snoozes are shown to the user themselves only
    assert error(client.dnd_info, user="U0NOBODY") == "user_not_found"
    standin.add_workspace(
        "T0NODND",
        name="No",
        bot_token="xoxb-nodnd",
        bot_user_id="U0B2",
        bot_id="B2",
        scopes=["users:read"],
    )
    standin.add_user("T0NODND", "U0SOMEONE", name="someone")
    narrow = WebClient(token="xoxb-nodnd", base_url=standin.api_url)
    missing = refusal(narrow.dnd_info, user="U0SOMEONE")
    assert (missing["error"], missing["needed"]) == ("missing_scope", "dnd:read")


def test_conversations_info_tells_a_slack_connect_channel(
    standin: SlackStandIn, client: WebClient
) -> None:
    assert client.conversations_info(channel=GENERAL)["channel"]["is_ext_shared"] is False
    standin.add_channel(
        TEAM, "C0CONNECT", name="with-client", members=[BOT_USER], is_ext_shared=True
    )
    shared = client.conversations_info(channel="C0CONNECT")["channel"]
    assert (shared["is_ext_shared"], shared["is_shared"]) == (True, True)


def test_update_delete_permalink_and_reactions(standin: SlackStandIn, client: WebClient) -> None:
    human = standin.post_message(GENERAL, user=ANNA, text="slow checkout")
    assert error(client.chat_update, channel=GENERAL, ts=human, text="x") == "cant_update_message"
    own = client.chat_postMessage(channel=GENERAL, text="v1")["ts"]
    assert client.chat_update(channel=GENERAL, ts=own, text="v2")["text"] == "v2"
    link = client.chat_getPermalink(channel=GENERAL, message_ts=human)["permalink"]
    assert link == f"https://t0stand.slack.com/archives/{GENERAL}/p{human.replace('.', '')}"
    client.reactions_add(channel=GENERAL, timestamp=human, name="eyes")
    twice = error(client.reactions_add, channel=GENERAL, timestamp=human, name="eyes")
    assert twice == "already_reacted"
    got = client.reactions_get(channel=GENERAL, timestamp=human)["message"]["reactions"]
    assert got == [{"name": "eyes", "users": [BOT_USER], "count": 1}]
    client.reactions_remove(channel=GENERAL, timestamp=human, name="eyes")
    nowhere = error(client.reactions_add, channel=GENERAL, timestamp="1.000001", name="x")
    assert nowhere == "message_not_found"
    client.chat_delete(channel=GENERAL, ts=own)
    assert [m.ts for m in standin.messages(GENERAL)] == [human]


def test_history_and_replies_paginate_like_slack(standin: SlackStandIn, client: WebClient) -> None:
    stamps = [standin.post_message(GENERAL, user=ANNA, text=f"m{n}") for n in range(7)]
    reply = standin.post_message(GENERAL, user=BRUNO, text="re", thread_ts=stamps[0])
    pages: list[list[str]] = []
    cursor = None
    while cursor != "":
        page = client.conversations_history(channel=GENERAL, limit=3, cursor=cursor)
        pages.append([m["text"] for m in page["messages"]])
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] == bool(cursor)
    assert pages == [["m6", "m5", "m4"], ["m3", "m2", "m1"], ["m0"]]  # newest first, no replies

    def window(**bounds: Any) -> list[str]:
        found = client.conversations_history(
            channel=GENERAL, oldest=stamps[2], latest=stamps[4], **bounds
        )
        return [m["text"] for m in found["messages"]]

    assert window() == ["m3"]
    assert window(inclusive=True) == ["m4", "m3", "m2"]
    assert error(client.conversations_history, channel=GENERAL, cursor="!!") == "invalid_cursor"
    thread = client.conversations_replies(channel=GENERAL, ts=stamps[0])["messages"]
    assert [(m["text"], m.get("reply_count")) for m in thread] == [("m0", 1), ("re", None)]
    just_the_reply = client.conversations_replies(channel=GENERAL, ts=reply)["messages"]
    assert [m["ts"] for m in just_the_reply] == [reply]
    nothing = error(client.conversations_replies, channel=GENERAL, ts="1.000001")
    assert nothing == "thread_not_found"
    members = client.conversations_members(channel=GENERAL, limit=2)
    assert members["members"] == [BOT_USER, ANNA]
    assert members["response_metadata"]["next_cursor"]


def test_response_urls_are_validated_and_used_at_most_five_times(standin: SlackStandIn) -> None:
    url = standin.new_response_url()
    assert url.startswith(f"{standin.base_url}/hooks/respond/")

    def post(body: dict[str, Any], to: str = url) -> int:
        data = json.dumps(body).encode()
        request = urllib.request.Request(to, data, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    assert post({"text": "x", "blocks": [section("")]}) == 400  # refused posts use it up too
    answers = [post({"text": f"answer {n}", "response_type": "ephemeral"}) for n in range(5)]
    assert answers == [200, 200, 200, 200, 404]
    calls = standin.calls("response_url")
    assert calls[0].response["error"] == "invalid_blocks"
    assert (calls[1].args["text"], calls[1].url) == ("answer 0", url)
    assert calls[-1].response["error"] == "expired_url"
    late = standin.new_response_url()
    standin.advance_clock(30 * 60 + 1)
    assert post({"text": "too late"}, late) == 404


def test_view_submission_acks_are_checked() -> None:
    view = modal(NOTE_INPUT, section("context", block_id="ctx"))
    assert check_view_submission_response({}, view) == []
    errors = {"response_action": "errors", "errors": {"note": "Too short"}}
    assert check_view_submission_response(errors, view) == []
    wrong = {"response_action": "errors", "errors": {"ctx": "no", "note": ""}}
    assert check_view_submission_response(wrong, view) == [
        "errors key 'ctx' is not the block_id of an input block",
        "errors['note'] must be a non-empty string",
    ]
    update = {"response_action": "update", "view": modal(NOTE_INPUT, submit=False)}
    assert "must define `submit`" in check_view_submission_response(update, view)[0]
    push = {"response_action": "push", "view": modal()}
    assert check_view_submission_response(push, view, stack_depth=2) == []
    assert "push_limit_reached" in check_view_submission_response(push, view, stack_depth=3)[0]
    assert check_view_submission_response({"response_action": "clear", "x": 1}, view) == [
        "unexpected key 'x' for 'clear'"
    ]


def test_signing_matches_slack_sdks_verifier() -> None:
    body = "token=x&team_id=T1&text=hello+world"
    headers = sign(body, "s3cret")
    stamp, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid(body=body, timestamp=stamp, signature=signature)
    assert verifier.is_valid_request(body, {k.lower(): v for k, v in headers.items()})
    assert not SignatureVerifier("other").is_valid(body=body, timestamp=stamp, signature=signature)
    stale = sign(body, "s3cret", timestamp=int(time.time()) - 301)
    stamp, signature = stale["X-Slack-Request-Timestamp"], stale["X-Slack-Signature"]
    assert not verifier.is_valid(body=body, timestamp=stamp, signature=signature)


def test_socket_mode_hello_envelope_and_ack(standin: SlackStandIn) -> None:
    seen: list[dict[str, Any]] = []

    def on_message(_: BaseSocketModeClient, message: dict[str, Any], _raw: str | None) -> None:
        seen.append(message)

    def on_request(socket_client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        echo = {"text": f"echo {request.payload['text']}"}
        socket_client.send_socket_mode_response(SocketModeResponse(request.envelope_id, echo))

    web_client = WebClient(token=BOT_TOKEN, base_url=standin.api_url)
    socket_client = SocketModeClient(app_token=APP_TOKEN, web_client=web_client)
    socket_client.message_listeners.append(on_message)
    socket_client.socket_mode_request_listeners.append(on_request)
    socket_client.connect()
    try:
        standin.socket_connected(timeout=5)
        payload = slash_command_payload(
            text="help",
            channel_id=GENERAL,
            trigger_id=standin.new_trigger_id(TEAM),
            response_url=standin.new_response_url(),
            **ANNA_IN_TEAM,
        )
        ack = standin.send_envelope("slash_commands", payload, accepts_response_payload=True)
        assert ack["payload"] == {"text": "echo help"}
        assert (seen[0]["type"], seen[0]["num_connections"]) == ("hello", 1)
    finally:
        socket_client.close()
    [opened] = standin.calls("apps.connections.open")
    assert opened.token == APP_TOKEN
    url = opened.response["url"]
    assert url.startswith(standin.base_url.replace("http://", "ws://") + "/link?ticket=")
    for used_or_forged in (url, f"{standin.base_url}/link?ticket=forged"):  # single-use tickets
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(used_or_forged.replace("ws://", "http://"), timeout=5)


def test_aiohttp_socket_mode_client_acks_and_reconnects(standin: SlackStandIn) -> None:
    from aiohttp import WSMessage, WSMsgType
    from slack_sdk.socket_mode.aiohttp import SocketModeClient as AiohttpSocketModeClient
    from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def on_request(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        if request.payload["event"]["type"] != "ignored":
            await client.send_socket_mode_response(SocketModeResponse(request.envelope_id))

    messages: list[dict[str, Any]] = []

    async def on_message(message: WSMessage) -> None:  # every frame, before the client acts
        if message.type == WSMsgType.TEXT:
            messages.append(json.loads(message.data))

    async def connect() -> AiohttpSocketModeClient:
        web_client = AsyncWebClient(token=BOT_TOKEN, base_url=standin.api_url)
        made = AiohttpSocketModeClient(
            app_token=APP_TOKEN, web_client=web_client, on_message_listeners=[on_message]
        )
        made.socket_mode_request_listeners.append(on_request)
        await made.connect()  # type: ignore[no-untyped-call]
        return made

    socket_client = asyncio.run_coroutine_threadsafe(connect(), loop).result(10)
    try:
        standin.socket_connected(timeout=5)
        event = {"type": "event_callback", "event": {"type": "app_mention"}}
        ack = standin.send_envelope("events_api", event, retry_attempt=1, retry_reason="timeout")
        assert set(ack) == {"envelope_id"}
        with pytest.raises(
            AssertionError, match=r"no ack for the events_api envelope within 0\.3s"
        ):
            standin.send_envelope("events_api", {"event": {"type": "ignored"}}, timeout=0.3)
        assert standin.disconnect_sockets("refresh_requested") == 1
        standin.socket_connected(timeout=10, count=2)  # the client came back by itself
        assert "envelope_id" in standin.send_envelope("events_api", event)  # on the new one
        kinds = [(m["type"], m.get("reason")) for m in messages if m["type"] != "events_api"]
        assert kinds == [("hello", None), ("disconnect", "refresh_requested"), ("hello", None)]
        time.sleep(0.6)  # the old connection closes: the client must not reconnect again
        assert standin.socket_count() == 1
    finally:
        closing = socket_client.close()  # type: ignore[no-untyped-call]
        asyncio.run_coroutine_threadsafe(closing, loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_bolt_accepts_what_the_builders_send(standin: SlackStandIn, client: WebClient) -> None:
    from slack_bolt import Ack, App, BoltRequest

    app = App(token=BOT_TOKEN, signing_secret="s3cret", client=client)
    seen: dict[str, dict[str, Any]] = {}

    def keep(kind: str, **answer: Any) -> Callable[[Ack, dict[str, Any]], None]:
        def listener(ack: Ack, body: dict[str, Any]) -> None:
            seen[kind] = body
            ack(**answer)

        return listener

    app.command("/journey")(keep("command", text="ok"))
    app.action("go")(keep("action"))
    app.view("journey")(keep("view", response_action="errors", errors={"note": "Longer"}))
    app.shortcut("start")(keep("shortcut"))
    app.shortcut("flag")(keep("message_action"))
    app.event("app_mention")(lambda body: seen.setdefault("event", body))

    def dispatch(body: str, content_type: str = FORM) -> Any:
        headers: dict[str, str | Sequence[str]] = {
            k.lower(): v for k, v in sign(body, "s3cret").items()
        }
        headers["content-type"] = content_type
        return app.dispatch(BoltRequest(body=body, headers=headers))

    def trigger(view_id: str | None = None) -> str:
        return standin.new_trigger_id(TEAM, view_id=view_id)

    command = slash_command_body(
        text="help",
        channel_id=GENERAL,
        trigger_id=trigger(),
        response_url=standin.new_response_url(),
        **ANNA_IN_TEAM,
    )
    assert dispatch(command).body == "ok"
    message = client.chat_postMessage(channel=GENERAL, text="pick", blocks=[section("pick")])
    action = block_actions_payload(
        trigger_id=trigger(),
        actions=[button_action("go", block_id="b")],
        channel_id=GENERAL,
        message=message["message"],
        response_url=standin.new_response_url(),
        **ANNA_IN_TEAM,
    )
    assert dispatch(interactivity_body(action)).status == 200
    view = client.views_open(
        trigger_id=trigger(), view={**modal(NOTE_INPUT), "callback_id": "journey"}
    )
    submission = view_submission_payload(
        view=standin.view(view["view"]["id"]),
        values={"note": {"text": {"type": "plain_text_input", "value": "hi"}}},
        trigger_id=trigger(view["view"]["id"]),
        **ANNA_IN_TEAM,
    )
    answer = json.loads(dispatch(interactivity_body(submission)).body)
    assert check_view_submission_response(answer, submission["view"]) == []
    shortcut = shortcut_payload(callback_id="start", trigger_id=trigger(), **ANNA_IN_TEAM)
    flag = message_action_payload(
        callback_id="flag",
        trigger_id=trigger(),
        channel_id=GENERAL,
        message=message["message"],
        response_url=standin.new_response_url(),
        **ANNA_IN_TEAM,
    )
    assert [dispatch(interactivity_body(p)).status for p in (shortcut, flag)] == [200, 200]
    mention = {"type": "app_mention", "user": ANNA, "text": f"<@{BOT_USER}> hi", "channel": GENERAL}
    event = event_callback_body(mention, team_id=TEAM, event_id="Ev1", bot_user_id=BOT_USER)
    assert dispatch(event, "application/json").status == 200
    deadline = time.monotonic() + 5
    while "event" not in seen and time.monotonic() < deadline:
        time.sleep(0.01)  # Bolt runs event listeners on its thread pool, after the ack
    assert set(seen) == {"command", "action", "view", "shortcut", "message_action", "event"}
    assert seen["view"]["view"]["state"]["values"]["note"]["text"]["value"] == "hi"
    assert seen["action"]["container"]["message_ts"] == message["ts"]
    assert seen["event"]["authorizations"][0]["user_id"] == BOT_USER


class _Bot(BaseHTTPRequestHandler):
    """Plays the bot for SlackSender: answers from `script` and records what it got."""

    script: ClassVar[list[tuple[int, dict[str, str], float]]] = []
    seen: ClassVar[list[tuple[dict[str, str], str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append(({k.lower(): v for k, v in self.headers.items()}, body))
        status, headers, delay = self.script.pop(0) if self.script else (200, {}, 0.0)
        time.sleep(delay)
        with contextlib.suppress(OSError):  # the sender may have given up waiting
            self.send_response(status)
            for name, value in {**headers, "Content-Length": "0"}.items():
                self.send_header(name, value)
            self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_sender_redelivers_events_like_slack() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sender = SlackSender(f"http://127.0.0.1:{server.server_address[1]}/slack/events", "s3cret")
    mention = {"type": "app_mention", "user": ANNA, "text": "hi", "channel": GENERAL}
    _Bot.seen.clear()
    try:
        _Bot.script[:] = [(500, {}, 0.0), (200, {}, 3.3), (200, {}, 0.0)]
        responses = sender.deliver_event(mention, event_id="Ev42", team_id=TEAM)
        outcomes = [(r.status, r.failure, r.acked_in_time) for r in responses]
        assert outcomes == [(500, None, False), (0, "http_timeout", False), (200, None, True)]
        headers = [h for h, _body in _Bot.seen]
        assert [h.get("x-slack-retry-num") for h in headers] == [None, "1", "2"]
        assert [h.get("x-slack-retry-reason") for h in headers] == [
            None,
            "http_error",
            "http_timeout",
        ]
        verifier = SignatureVerifier("s3cret")
        for header, body in _Bot.seen:
            assert json.loads(body)["event_id"] == "Ev42"
            assert verifier.is_valid_request(body, header)
        _Bot.script[:] = [(503, {"X-Slack-No-Retry": "1"}, 0.0)]
        assert len(sender.deliver_event(mention, event_id="Ev43", team_id=TEAM)) == 1
        assert (
            sender.post("{}", content_type="application/json", signature="v0=forged").status == 200
        )
        assert _Bot.seen[-1][0]["x-slack-signature"] == "v0=forged"
    finally:
        server.shutdown()
        server.server_close()
