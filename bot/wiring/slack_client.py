"""The Web API client every part of the bot uses, counting failures and retries.

`journeybot_slack_api_errors` counts each failed call once (after slack_sdk's own retries
gave up) by method and Slack's error code; `journeybot_slack_api_retries` counts each retry
the built-in retry handlers decide on, by reason.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import BasicAuth, ClientError, FormData
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


class MeasuredAsyncWebClient(AsyncWebClient):
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
