"""The stand-in itself: when Slack would refuse a call, so must it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import sign, slash_command_body
from tests.slack_standin.validation import check_view_submission_response

TOKEN = "xoxb-standin-test"
APP_TOKEN = "xapp-1-A1-standin"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(app_token=APP_TOKEN) as running:
        running.add_workspace("T1", name="One", bot_token=TOKEN, bot_user_id="UBOT", bot_id="BBOT")
        running.add_user("T1", "U1", name="one")
        running.add_channel("T1", "C1", name="general", members=["UBOT", "U1"])
        running.add_channel("T1", "C2", name="elsewhere", members=["U1"])
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url)


def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.response["error"])


def test_valid_message_is_recorded_with_its_arguments(
    standin: SlackStandIn, client: WebClient
) -> None:
    blocks = [{"type": "section", "block_id": "a", "text": {"type": "mrkdwn", "text": "hi"}}]
    response = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert response["ok"]
    [call] = standin.calls("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert call.token == TOKEN
    assert call.team_id == "T1"


def test_bad_blocks_are_refused_like_slack(client: WebClient) -> None:
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="t", blocks=too_long)
    assert raised.value.response["error"] == "invalid_blocks"
    assert "json-pointer:/blocks/0" in raised.value.response["errors"][0]
    fifty_one = [{"type": "divider"}] * 51
    assert (
        _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=fifty_one))
        == "invalid_blocks"
    )
    twins = [{"type": "divider", "block_id": "same"}, {"type": "divider", "block_id": "same"}]
    assert (
        _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=twins))
        == "invalid_blocks"
    )
    unknown = [{"type": "no_such_block"}]
    assert (
        _error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=unknown))
        == "invalid_blocks"
    )


def test_membership_and_arguments(client: WebClient) -> None:
    assert _error(lambda: client.chat_postMessage(channel="C2", text="t")) == "not_in_channel"
    assert _error(lambda: client.chat_postMessage(channel="C404", text="t")) == "channel_not_found"
    assert _error(lambda: client.chat_postMessage(channel="C1")) == "no_text"
    assert _error(lambda: client.api_call("users.info", params={})) == "missing_argument"
    assert _error(lambda: client.conversations_history(channel="C2")) == "not_in_channel"
    bad = WebClient(token="xoxb-unknown", base_url=client.base_url)
    assert _error(lambda: bad.auth_test()) == "invalid_auth"


def _modal(with_submit: bool = True) -> dict[str, object]:
    view: dict[str, object] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Title"},
        "blocks": [
            {
                "type": "input",
                "block_id": "note",
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    if with_submit:
        view["submit"] = {"type": "plain_text", "text": "Save"}
    return view


def test_trigger_ids_expire_and_are_single_use(standin: SlackStandIn, client: WebClient) -> None:
    trigger = standin.new_trigger_id("T1")
    assert client.views_open(trigger_id=trigger, view=_modal())["ok"]
    assert (
        _error(lambda: client.views_open(trigger_id=trigger, view=_modal()))
        == "exchanged_trigger_id"
    )
    late = standin.new_trigger_id("T1")
    standin.expire_trigger(late)
    assert _error(lambda: client.views_open(trigger_id=late, view=_modal())) == "expired_trigger_id"
    fresh = standin.new_trigger_id("T1")
    assert (
        _error(lambda: client.views_open(trigger_id=fresh, view=_modal(with_submit=False)))
        == "invalid_blocks"
    )


def test_view_submission_answers_are_checked() -> None:
    view = _modal()
    assert (
        check_view_submission_response({"response_action": "errors", "errors": {"note": "x"}}, view)
        == []
    )
    assert check_view_submission_response(
        {"response_action": "errors", "errors": {"nope": "x"}}, view
    )


def test_rate_limit_with_retry_after_and_the_sdk_retry_handler(standin: SlackStandIn) -> None:
    retrying = WebClient(
        token=TOKEN,
        base_url=standin.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.inject("chat.postMessage", status=429, retry_after=1, times=1)
    assert retrying.chat_postMessage(channel="C1", text="later")["ok"]
    first, second = standin.calls("chat.postMessage")
    assert first.http_status == 429
    assert second.at - first.at >= 1.0  # nothing lands inside the Retry-After window
    standin.inject("chat.postMessage", status=500, times=1)
    plain = WebClient(token=TOKEN, base_url=standin.api_url)
    with pytest.raises(SlackApiError) as raised:
        plain.chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 500


def test_files_upload_v2_round_trip(standin: SlackStandIn, client: WebClient) -> None:
    client.files_upload_v2(channel="C1", filename="a.csv", content=b"id\n1\n", title="A")
    [uploaded] = standin.uploaded_files()
    assert (uploaded.filename, uploaded.channel, uploaded.content) == ("a.csv", "C1", b"id\n1\n")
    with pytest.raises(SlackApiError):
        client.files_upload_v2(channel="C2", filename="b.csv", content=b"x")


def test_history_paginates(standin: SlackStandIn, client: WebClient) -> None:
    for index in range(5):
        standin.post_message("C1", user="U1", text=f"m{index}")
    first = client.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel="C1", limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]


def test_wait_for_explains_what_arrived(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth.test\(ok\)"):
        standin.wait_for("chat.postMessage", timeout=0.2)


def test_signed_bodies_verify_with_slack_sdk() -> None:
    body = slash_command_body(
        text="help",
        team_id="T1",
        user_id="U1",
        channel_id="C1",
        trigger_id="1.2",
        response_url="http://x",
    )
    headers = sign(body, "secret")
    verifier = SignatureVerifier("secret")
    assert verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    assert not SignatureVerifier("other").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def test_socket_mode_hello_envelope_and_ack(standin: SlackStandIn) -> None:
    async def scenario() -> None:
        client = SocketModeClient(
            app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=standin.api_url)
        )

        async def on_request(socket: SocketModeClient, request: SocketModeRequest) -> None:
            await socket.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "pong"})
            )

        client.socket_mode_request_listeners.append(on_request)  # type: ignore[arg-type]
        await client.connect()
        await asyncio.to_thread(standin.socket_connected, 5)
        ack = await asyncio.to_thread(
            standin.send_envelope,
            "slash_commands",
            {"command": "/journey"},
            accepts_response_payload=True,
        )
        assert ack["payload"] == {"text": "pong"}
        await client.close()

    asyncio.run(scenario())
    assert json.dumps(standin.calls("apps.connections.open")[0].response)
