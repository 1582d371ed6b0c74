"""Block Kit and view validation, the way Slack's API refuses bad payloads.

slack_sdk.models checks each object's own limits; the rules below it doesn't check are
added here (SLACK_CONTRACT.md §4): block and view counts, unique block_ids and action_ids,
`submit` for views with inputs, the 250 kB view limit, non-empty texts.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_BYTES = 250_000
MAX_MESSAGE_TEXT = 40_000


class SlackError(Exception):
    """An `ok: false` answer: `error` plus optional extra fields (Slack's `errors`…)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _invalid(reason: str, pointer: str) -> SlackError:
    detail = f"{reason} [json-pointer:{pointer}]"
    return SlackError(
        "invalid_blocks", errors=[detail], response_metadata={"messages": [f"[ERROR] {detail}"]}
    )


def decode_json_arg(value: Any, error: str) -> Any:
    """Slack accepts JSON strings in form bodies; a string that doesn't parse is `error`."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error) from None
    return value


def _empty_texts(node: Any, pointer: str) -> str | None:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and not str(node.get("text", "")).strip():
            return pointer + "/text"
        for key, child in node.items():
            found = _empty_texts(child, f"{pointer}/{key}")
            if found:
                return found
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found = _empty_texts(child, f"{pointer}/{index}")
            if found:
                return found
    return None


def _check_blocks(blocks: Any, limit: int, root: str) -> None:
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > limit:
        raise _invalid(f"no more than {limit} items allowed", root)
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        pointer = f"{root}/{index}"
        if not isinstance(block, dict) or "type" not in block:
            raise _invalid("must provide an object with a type", pointer)
        parsed = Block.parse(block)
        if parsed is None or type(parsed) is Block:
            raise _invalid(f"unsupported type: {block.get('type')}", pointer + "/type")
        try:
            parsed.to_dict()
        except (SlackObjectFormationError, ValueError, TypeError, KeyError) as error:
            raise _invalid(str(error), pointer) from None
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen_block_ids:
                raise _invalid(f"duplicate block_id {block_id}", pointer + "/block_id")
            seen_block_ids.add(block_id)
        elements = block.get("elements") if block.get("type") == "actions" else None
        if isinstance(elements, list):
            action_ids = [
                e.get("action_id") for e in elements if isinstance(e, dict) and e.get("action_id")
            ]
            if len(action_ids) != len(set(action_ids)):
                raise _invalid("duplicate action_id in block", pointer + "/elements")
        empty = _empty_texts(block, pointer)
        if empty:
            raise _invalid("must be more than 0 characters", empty)


def validate_message_blocks(blocks: Any) -> None:
    """Raise SlackError (`invalid_blocks`…) as chat.postMessage would."""
    _check_blocks(blocks, MAX_MESSAGE_BLOCKS, "/blocks")


def validate_message(args: dict[str, Any], *, require_content: bool = True) -> None:
    blocks = (
        decode_json_arg(args.get("blocks"), "invalid_blocks_format") if "blocks" in args else None
    )
    text = args.get("text")
    if require_content and not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        validate_message_blocks(blocks)
        args["blocks"] = blocks


def validate_view(view: Any) -> dict[str, Any]:
    """Raise SlackError as views.open/update/push/publish would; returns the parsed view."""
    view = decode_json_arg(view, "invalid_arguments")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments")
    if len(json.dumps(view).encode()) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    blocks = view.get("blocks", [])
    _check_blocks(blocks, MAX_VIEW_BLOCKS, "/view/blocks")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if view.get("type") == "modal" and has_input and not view.get("submit"):
        raise _invalid("must define submit to use input block", "/view/submit")
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, ValueError, TypeError) as error:
        raise SlackError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {error}"]}
        ) from None
    return view


def check_view_submission_response(body: dict[str, Any], view: dict[str, Any]) -> list[str]:
    """Problems Slack would find in the bot's answer to a view_submission (empty: fine)."""
    problems: list[str] = []
    action = body.get("response_action")
    if action is None:
        return problems
    if action == "errors":
        errors = body.get("errors")
        inputs = {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}
        if not isinstance(errors, dict) or not errors:
            problems.append("errors must be a non-empty object")
        else:
            problems += [f"{key} is not an input block_id" for key in errors if key not in inputs]
    elif action in ("update", "push"):
        try:
            validate_view(body.get("view"))
        except SlackError as error:
            problems.append(f"invalid view: {error.error} {error.extra}")
    elif action != "clear":
        problems.append(f"unknown response_action {action}")
    return problems
