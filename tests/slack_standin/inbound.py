"""Signed requests *to* the bot, shaped like Slack's (SLACK_CONTRACT.md §1–3)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from slack_sdk.signature import SignatureVerifier


def sign(body: str, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def slash_command_body(
    *,
    text: str,
    team_id: str,
    user_id: str,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    command: str = "/journey",
    enterprise_id: str | None = None,
    user_name: str = "someone",
    channel_name: str = "clients",
    api_app_id: str = "A0JOURNEY",
) -> str:
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": team_id.lower(),
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    if enterprise_id:
        fields.update(enterprise_id=enterprise_id, enterprise_name="Org")
    return urlencode(fields)


def interactivity_body(payload: dict[str, Any]) -> str:
    return "payload=" + quote(json.dumps(payload))


def event_callback_body(
    event: dict[str, Any],
    *,
    team_id: str,
    event_id: str,
    api_app_id: str = "A0JOURNEY",
    bot_user_id: str = "U0JOURNEY",
    enterprise_id: str | None = None,
    event_time: int | None = None,
) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "api_app_id": api_app_id,
            "type": "event_callback",
            "event": event,
            "event_id": event_id,
            "event_time": event_time or int(time.time()),
            "event_context": f"1-{event.get('type')}-{team_id}",
            "authorizations": [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": team_id,
                    "user_id": bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str
    elapsed_seconds: float

    def json(self) -> Any:
        return json.loads(self.text)


class SlackSender:
    """Posts signed requests to the bot's /slack/events, as Slack does (thread-safe)."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self.signing_secret = signing_secret

    def post(
        self,
        body: str,
        *,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
    ) -> Response:
        headers = {
            "Content-Type": content_type,
            **sign(body, self.signing_secret, timestamp=timestamp),
        }
        if retry_num is not None:
            headers.update(
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
            )
        return self.raw_post(body, headers=headers)

    def raw_post(self, body: str, *, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(
                    answer.status,
                    dict(answer.headers),
                    answer.read().decode(),
                    time.perf_counter() - started,
                )
        except urllib.error.HTTPError as error:
            return Response(
                error.code,
                dict(error.headers),
                error.read().decode(),
                time.perf_counter() - started,
            )
