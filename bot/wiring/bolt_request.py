"""Bolt's request built from a body the edge has already parsed and checked.

Bolt's own constructor parses the body and reads ids from it (`build_async_context`) before
anything of ours runs: a body nested thousands deep or with a list where Bolt expects an
object fails inside it. Parsing first (with Bolt's own `parse_body`), checking, then handing
Bolt the parsed body keeps one parse per request.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body


def parse_slack_body(raw: str, content_type: str) -> object:
    """The body as Bolt reads it: JSON, `payload=<JSON>` or a plain form.

    Raises ValueError or RecursionError (JSON nested too deep) on a malformed body.
    """
    return parse_body(raw, content_type)


def bolt_request(request: web.Request, raw: str, body: dict[str, Any]) -> AsyncBoltRequest:
    """The HTTP-mode request Bolt would have built from `raw`, without parsing it again.

    Raises what Bolt's id extraction raises on a shape the edge let through (a backstop).
    """
    bolt = AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))
    bolt.raw_body = raw  # Bolt's own signature check reads it
    bolt.body = body
    bolt.context = build_async_context(AsyncBoltContext({}), body)
    return bolt
