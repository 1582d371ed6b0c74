"""Signed requests *to* the bot, shaped like Slack's (SLACK_CONTRACT.md §1–3).

Locale: Slack puts no `locale` in slash commands, interaction payloads or events (it is opt-in
through `users.info(include_locale=true)`), and Bolt for Python 1.30 has no `context.locale`:
a bot learns a user's language from users.info. So these builders send none either.

Socket Mode carries the same payloads: `slash_command_payload(...)`, the interaction payload
dicts and `event_callback_payload(...)` go straight into `SlackStandIn.send_envelope`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, Unpack
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

API_APP_ID = "A0JOURNEY"
BOT_USER_ID = "U0JOURNEY"
VERIFICATION_TOKEN = "legacy-verification-token"  # the deprecated token Slack still sends
ACK_DEADLINE_SECONDS = 3.0
FORM = "application/x-www-form-urlencoded"


def sign(body: str, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack signs a request with (v0 HMAC-SHA256 of `v0:{ts}:{body}`)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": str(signature)}


def _action_ts() -> str:
    return f"{time.time():.6f}"


class Who(TypedDict):
    """Who interacted, shared by every builder: `**who` keywords."""

    team_id: str
    user_id: str
    user_name: NotRequired[str]  # default "someone"
    api_app_id: NotRequired[str]  # default A0JOURNEY
    enterprise_id: NotRequired[str | None]


class SlashCommand(Who):
    text: str
    channel_id: str
    trigger_id: str
    response_url: str
    command: NotRequired[str]  # default /journey
    channel_name: NotRequired[str]  # default clients
    team_domain: NotRequired[str]  # default: the team id in lower case


class EventFields(TypedDict):
    team_id: str
    event_id: str
    api_app_id: NotRequired[str]
    bot_user_id: NotRequired[str]  # the installation's bot user (authorizations)
    enterprise_id: NotRequired[str | None]
    event_time: NotRequired[int]
    # Delivered to an org-wide Enterprise Grid install: its authorization has no team.
    org_install: NotRequired[bool]


# -- slash commands ---------------------------------------------------------------------
def slash_command_payload(**fields: Unpack[SlashCommand]) -> dict[str, str]:
    """Exactly Slack's fields, all strings (Socket Mode sends them as a JSON object)."""
    team_id, enterprise_id = fields["team_id"], fields.get("enterprise_id")
    payload = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": fields.get("team_domain", team_id.lower()),
        "channel_id": fields["channel_id"],
        "channel_name": fields.get("channel_name", "clients"),
        "user_id": fields["user_id"],
        "user_name": fields.get("user_name", "someone"),
        "command": fields.get("command", "/journey"),
        "text": fields["text"],
        "api_app_id": fields.get("api_app_id", API_APP_ID),
        "is_enterprise_install": "false",
        "response_url": fields["response_url"],
        "trigger_id": fields["trigger_id"],
    }
    if enterprise_id:
        payload.update(enterprise_id=enterprise_id, enterprise_name=f"{enterprise_id} Org")
    return payload


def slash_command_body(**fields: Unpack[SlashCommand]) -> str:
    """The urlencoded form body of a slash command."""
    return urlencode(slash_command_payload(**fields))


# -- interactivity ----------------------------------------------------------------------
def interactivity_body(payload: dict[str, Any]) -> str:
    """`payload=<urlencoded JSON>`, the form body of every interaction."""
    return urlencode({"payload": json.dumps(payload)})


def _interaction(type_: str, who: Who, **fields: Any) -> dict[str, Any]:
    team_id, name = who["team_id"], who.get("user_name", "someone")
    enterprise_id = who.get("enterprise_id")
    enterprise = {"id": enterprise_id, "name": f"{enterprise_id} Org"} if enterprise_id else None
    return {
        "type": type_,
        "team": {"id": team_id, "domain": team_id.lower()},
        "user": {"id": who["user_id"], "username": name, "name": name, "team_id": team_id},
        "api_app_id": who.get("api_app_id", API_APP_ID),
        "token": VERIFICATION_TOKEN,
        "enterprise": enterprise,
        "is_enterprise_install": False,
        **fields,
    }


def button_action(
    action_id: str, *, block_id: str, value: str = "", text: str = "Button"
) -> dict[str, Any]:
    """One entry of a block_actions payload's `actions`: a clicked button."""
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "value": value,
        "action_ts": _action_ts(),
    }


def block_actions_payload(
    *,
    trigger_id: str,
    actions: list[dict[str, Any]],
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    view: dict[str, Any] | None = None,
    state_values: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    channel_name: str = "clients",
    **who: Unpack[Who],
) -> dict[str, Any]:
    """An interaction with a message (give `channel_id`, `message`, `response_url`) or with a
    modal (give `view`, e.g. `standin.view(view_id)`: Slack sends no response_url then)."""
    state = {"values": state_values or {}}
    payload = _interaction("block_actions", who, trigger_id=trigger_id, actions=actions)
    if view is not None:
        container = {"type": "view", "view_id": view["id"]}
        return {**payload, "container": container, "view": {**view, "state": state}}
    if channel_id is None or message is None:
        raise ValueError("a message action needs channel_id and message (or give a view)")
    payload.update(
        container={
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        },
        channel={"id": channel_id, "name": channel_name},
        state=state,
        response_url=response_url,
    )
    if not is_ephemeral:  # Slack can't send back an ephemeral message it didn't keep
        payload["message"] = message
    return payload


def view_submission_payload(
    *,
    view: dict[str, Any],
    values: dict[str, Any],
    trigger_id: str,
    response_urls: list[dict[str, Any]] | None = None,
    **who: Unpack[Who],
) -> dict[str, Any]:
    """`view` as Slack holds it (`standin.view(view_id)`); `values` is what the user entered:
    {block_id: {action_id: {"type": …, "value": …}}}."""
    submitted = {**view, "state": {"values": values}}
    return _interaction(
        "view_submission",
        who,
        trigger_id=trigger_id,
        view=submitted,
        response_urls=response_urls or [],
    )


def view_closed_payload(
    *, view: dict[str, Any], is_cleared: bool = False, **who: Unpack[Who]
) -> dict[str, Any]:
    """Sent only for views opened with `notify_on_close: true`; it has no trigger_id."""
    return _interaction("view_closed", who, view=view, is_cleared=is_cleared)


def message_action_payload(
    *,
    callback_id: str,
    trigger_id: str,
    channel_id: str,
    message: dict[str, Any],
    response_url: str,
    channel_name: str = "clients",
    **who: Unpack[Who],
) -> dict[str, Any]:
    """A message shortcut on `message` (a dict with at least `ts`, `text`, `user`)."""
    return _interaction(
        "message_action",
        who,
        action_ts=_action_ts(),
        channel={"id": channel_id, "name": channel_name},
        callback_id=callback_id,
        trigger_id=trigger_id,
        message_ts=message["ts"],
        message={"type": "message", **message},
        response_url=response_url,
    )


def shortcut_payload(*, callback_id: str, trigger_id: str, **who: Unpack[Who]) -> dict[str, Any]:
    """A global shortcut: no channel, no response_url, only a trigger_id."""
    return _interaction(
        "shortcut", who, action_ts=_action_ts(), callback_id=callback_id, trigger_id=trigger_id
    )


# -- events -----------------------------------------------------------------------------
def event_callback_payload(event: dict[str, Any], **fields: Unpack[EventFields]) -> dict[str, Any]:
    team_id, enterprise_id = fields["team_id"], fields.get("enterprise_id")
    channel = event.get("channel") or (event.get("item") or {}).get("channel", "")
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "api_app_id": fields.get("api_app_id", API_APP_ID),
        "type": "event_callback",
        "event": event,
        "event_id": fields["event_id"],
        "event_time": fields.get("event_time", int(time.time())),
        "event_context": f"4-{event.get('type')}-{team_id}-{channel}",
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": None if fields.get("org_install") else team_id,
                "user_id": fields.get("bot_user_id", BOT_USER_ID),
                "is_bot": True,
                "is_enterprise_install": bool(fields.get("org_install")),
            }
        ],
        "is_ext_shared_channel": False,
    }


def event_callback_body(event: dict[str, Any], **fields: Unpack[EventFields]) -> str:
    """The JSON body of an Events API delivery."""
    return json.dumps(event_callback_payload(event, **fields))


def url_verification_body(challenge: str) -> str:
    body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(body)


# -- sending ----------------------------------------------------------------------------
@dataclass
class Response:
    status: int  # 0 when no HTTP answer came (see `failure`)
    headers: dict[str, str]
    text: str
    elapsed_seconds: float
    failure: str | None = None  # "http_timeout" or "connection_failed", Slack's retry reasons

    @property
    def json(self) -> Any:
        """The body parsed as JSON, None when it isn't JSON (an empty ack, plain text)."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def acked_in_time(self) -> bool:
        """A 2xx within Slack's 3-second deadline."""
        ok = self.failure is None and 200 <= self.status < 300
        return ok and self.elapsed_seconds <= ACK_DEADLINE_SECONDS


class SlackSender:
    """Posts signed requests to the bot as Slack does; blocking and thread-safe (urllib).

    Nothing here asserts: each Response records its elapsed time for the test to check.
    """

    def __init__(self, url: str, signing_secret: str, *, timeout: float = 30.0) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.timeout = timeout

    def post(
        self,
        body: str,
        *,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        signature: str | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Sign with a fresh timestamp (or `timestamp`); `signature` overrides, for forgeries."""
        headers = {
            "Content-Type": content_type,
            **sign(body, self.signing_secret, timestamp=timestamp),
        }
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        if retry_num is not None:
            headers.update(
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
            )
        return self.raw_post(body, headers=headers, timeout=timeout)

    def raw_post(
        self, body: str, *, headers: dict[str, str], timeout: float | None = None
    ) -> Response:
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as answer:
                text = answer.read().decode()
                return Response(
                    answer.status, dict(answer.headers), text, time.perf_counter() - started
                )
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return Response(error.code, dict(error.headers), text, time.perf_counter() - started)
        except TimeoutError:
            return Response(0, {}, "", time.perf_counter() - started, "http_timeout")
        except urllib.error.URLError as error:
            failure = (
                "http_timeout" if isinstance(error.reason, TimeoutError) else "connection_failed"
            )
            return Response(0, {}, str(error.reason), time.perf_counter() - started, failure)

    def command(self, **fields: Unpack[SlashCommand]) -> Response:
        """A slash command, as a signed form post."""
        return self.post(slash_command_body(**fields), content_type=FORM)

    def action(self, payload: dict[str, Any]) -> Response:
        """Any interaction payload (block_actions, view_submission, shortcuts…)."""
        return self.post(interactivity_body(payload), content_type=FORM)

    def event(
        self,
        event: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timeout: float | None = None,
        **fields: Unpack[EventFields],
    ) -> Response:
        """One delivery of an event_callback (see `deliver_event` for Slack's retries)."""
        body = event_callback_body(event, **fields)
        return self.post(
            body,
            content_type="application/json",
            retry_num=retry_num,
            retry_reason=retry_reason,
            timeout=timeout,
        )

    def deliver_event(self, event: dict[str, Any], **fields: Unpack[EventFields]) -> list[Response]:
        """Deliver an event the way Slack does, retry schedule compressed to no wait.

        No 2xx within 3 s: redelivered up to 3 times, same event_id, freshly signed, with
        X-Slack-Retry-Num 1..3 and the reason. `X-Slack-No-Retry: 1` on a non-2xx answer stops
        the retries, but not after a timeout (Slack retries timeouts regardless).
        """
        responses: list[Response] = []
        retry_num: int | None = None
        reason = "http_timeout"
        for attempt in range(4):
            response = self.event(
                event,
                retry_num=retry_num,
                retry_reason=reason,
                timeout=ACK_DEADLINE_SECONDS,
                **fields,
            )
            responses.append(response)
            if response.acked_in_time:
                break
            late = response.failure == "http_timeout" or (
                response.elapsed_seconds > ACK_DEADLINE_SECONDS
            )
            reason = "http_timeout" if late else response.failure or "http_error"
            if not late and response.headers.get("X-Slack-No-Retry") == "1":
                break
            retry_num = attempt + 1
        return responses
