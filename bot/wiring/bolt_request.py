"""Bolt's request built from a body the edge has already parsed and checked.

Bolt's own constructor parses the body and reads ids from it (`build_async_context`) before
anything of ours runs: a body nested thousands deep or with a list where Bolt expects an
object fails inside it. Parsing first (with Bolt's own `parse_body`), checking, then handing
Bolt the parsed body keeps one parse per request.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
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
    # Bolt's constructor takes an already-parsed body only in its Socket Mode form; built that
    # way, the ids are read from `body` once (no empty parse, no second context), then the
    # request is marked as the HTTP request it is.
    bolt = AsyncBoltRequest(
        body=body, query=request.query_string, headers=dict(request.headers), mode="socket_mode"
    )
    bolt.raw_body = raw
    bolt.mode = "http"
    return bolt
