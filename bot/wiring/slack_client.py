"""The Web API client every part of the bot uses, counting failures and retries.

`journeybot_slack_api_errors` counts each failed call once (after slack_sdk's own retries
gave up) by method and Slack's error code; `journeybot_slack_api_retries` counts each retry
the built-in retry handlers decide on, by reason.

Every client shares one aiohttp session (`HttpSessions`), so calls reuse kept-alive
connections: without it slack_sdk opens a session, a TCP connection and a TLS handshake
for every call, which made connecting the outbox relay's largest cost.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp import BasicAuth, ClientError, ClientSession, ClientTimeout, FormData
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot import metrics

_LABEL = re.compile(r"[A-Za-z0-9_.]{1,64}")


def _label(value: str) -> str:
    return value if _LABEL.fullmatch(value) else "other"


def error_code(error: SlackApiError) -> str:
    """Slack's `error` field, or `http_NNN` when the answer carried none."""
    response = error.response
    if response is None:
        return "unknown"
    code = response.get("error") if isinstance(response.data, dict) else None
    return _label(str(code)) if code else f"http_{response.status_code}"


class HttpSessions:
    """One aiohttp session (a pool of kept-alive connections) for the running event loop.

    Made on first use, inside the loop it belongs to (a session can't move between loops;
    a test that runs the app in a new loop gets a new session), closed by `close`.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._session: ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = ClientSession(timeout=ClientTimeout(total=self._timeout))
            self._loop = loop
        return self._session

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()


class MeasuredAsyncWebClient(AsyncWebClient):
    def __init__(self, *args: Any, sessions: HttpSessions | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sessions = sessions

    async def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | FormData | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | BasicAuth | None = None,
    ) -> AsyncSlackResponse:
        if self._sessions is not None:
            self.session = self._sessions.get()
        try:
            return await super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,  # type: ignore[arg-type]
            )
        except SlackApiError as error:
            metrics.SLACK_API_ERRORS.labels(_label(api_method), error_code(error)).inc()
            raise
        except (ClientError, TimeoutError, OSError):
            metrics.SLACK_API_ERRORS.labels(_label(api_method), "connection").inc()
            raise


class _Counted(AsyncRetryHandler):
    reason = "other"

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        metrics.SLACK_API_RETRIES.labels(self.reason).inc()
        await super().prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


class CountedConnectionErrorRetryHandler(_Counted, AsyncConnectionErrorRetryHandler):
    reason = "connection"


class CountedRateLimitErrorRetryHandler(_Counted, AsyncRateLimitErrorRetryHandler):
    reason = "rate_limited"
