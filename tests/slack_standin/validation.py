"""Block Kit and view validation, refusing what Slack's API refuses, in Slack's words.

slack_sdk.models checks each object's own limits when `to_dict()` runs; what it doesn't check is
added here (SLACK_CONTRACT.md §4): block counts, unique block_ids and action_ids, `submit` for
modals with inputs, the 250 kB view limit, empty texts, and unknown element types (slack_sdk
drops those silently, Slack refuses them).

Error shapes, as Slack sends them:
- messages (chat.*, response_url): `invalid_blocks` with `errors` and `response_metadata.messages`;
- views (views.*): `invalid_arguments` with `response_metadata.messages` only (seen in the wild:
  "[ERROR] must define `submit` to use `input` block [json-pointer:/view/blocks/0/input]").
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_BYTES = 250_000
MAX_MESSAGE_TEXT = 40_000
VIEW_TYPES = ("modal", "home")
_ELEMENT_KEYS = ("accessory", "element")  # a single interactive element in a block


class SlackError(Exception):
    """An `ok: false` answer: `error` plus optional extra fields (`errors`, `needed`…)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def invalid_arguments(*problems: str) -> SlackError:
    """Slack's generic refusal of an argument, reasons in `response_metadata.messages`."""
    messages = [f"[ERROR] {problem}" for problem in problems]
    return SlackError("invalid_arguments", response_metadata={"messages": messages})


def decode_json_arg(value: Any, error: str) -> Any:
    """Form bodies carry JSON as strings; a string that doesn't parse is `error`."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error) from None
    return value


def validate_metadata(raw: Any) -> dict[str, Any] | None:
    """A message's `metadata` as Slack checks it: a JSON object (`invalid_metadata_format`)
    with a string `event_type` and an object `event_payload` (`invalid_metadata_schema`)."""
    if raw is None:
        return None
    metadata = decode_json_arg(raw, "invalid_metadata_format")
    if not isinstance(metadata, dict):
        raise SlackError("invalid_metadata_format")
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackError("invalid_metadata_schema")
    return metadata


def _at(reason: str, pointer: str) -> str:
    return f"{reason} [json-pointer:{pointer}]"


def _empty_texts(node: Any, pointer: str) -> list[str]:
    """Text objects must hold at least one character (slack_sdk misses it in headers)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and not node.get("text"):
            found.append(_at("must be more than 0 characters", pointer + "/text"))
        for key, child in node.items():
            found += _empty_texts(child, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _empty_texts(child, f"{pointer}/{index}")
    return found


def _action_ids(block: dict[str, Any]) -> list[str]:
    elements = [block.get(key) for key in _ELEMENT_KEYS]
    if block.get("type") == "actions" and isinstance(block.get("elements"), list):
        elements += block["elements"]
    return [e["action_id"] for e in elements if isinstance(e, dict) and e.get("action_id")]


def _dropped_elements(block: dict[str, Any], rendered: dict[str, Any], pointer: str) -> list[str]:
    """slack_sdk turns unknown element types into None (or drops them); Slack refuses them."""
    found: list[str] = []
    for key in _ELEMENT_KEYS:
        if isinstance(block.get(key), dict) and not rendered.get(key):
            found.append(_at(f"unsupported type: {block[key].get('type')}", f"{pointer}/{key}"))
    elements = block.get("elements")
    if isinstance(elements, list):
        out = rendered.get("elements") or []
        for index, element in enumerate(elements):
            if index >= len(out) or out[index] is None:
                kind = element.get("type") if isinstance(element, dict) else element
                found.append(_at(f"unsupported type: {kind}", f"{pointer}/elements/{index}"))
    return found


def _one_block(block: Any, pointer: str) -> list[str]:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [_at("must provide an object with a string type", pointer)]
    problems = _empty_texts(block, pointer)
    duplicates = [a for a, n in Counter(_action_ids(block)).items() if n > 1]
    problems += [_at(f"duplicate action_id: {a}", pointer) for a in duplicates]
    try:
        [parsed] = Block.parse_all([block])
    except Exception as error:  # a missing required field makes the constructor raise
        return [*problems, _at(f"invalid block: {error}", pointer)]
    if parsed is None or type(parsed) is Block:
        return [*problems, _at(f"unsupported type: {block['type']}", pointer + "/type")]
    try:
        rendered = parsed.to_dict()  # runs every JsonValidator of the tree
    except Exception as error:
        return [*problems, _at(str(error), pointer)]
    return problems + _dropped_elements(block, rendered, pointer)


def block_problems(blocks: Any, *, limit: int, root: str) -> list[str]:
    """Every problem Slack would report for a `blocks` array, json-pointers included."""
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(_at(f"no more than {limit} items allowed", root))
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        pointer = f"{root}/{index}"
        problems += _one_block(block, pointer)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None:
            if block_id in seen:
                problems.append(_at(f"duplicate block_id: {block_id}", pointer + "/block_id"))
            seen.add(block_id)
    return problems


def _invalid_blocks(problems: list[str]) -> SlackError:
    return SlackError(
        "invalid_blocks",
        errors=problems,
        response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
    )


def validate_message_blocks(blocks: Any) -> None:
    """Raise SlackError (`invalid_blocks`, `invalid_blocks_format`) as chat.postMessage would."""
    problems = block_problems(blocks, limit=MAX_MESSAGE_BLOCKS, root="/blocks")
    if problems:
        raise _invalid_blocks(problems)


def validate_message(args: dict[str, Any], *, require_content: bool = True) -> None:
    """Check a message's content args in place (decoding `blocks`/`attachments` strings)."""
    if "blocks" in args:
        args["blocks"] = decode_json_arg(args["blocks"], "invalid_blocks_format")
    if "attachments" in args:
        args["attachments"] = decode_json_arg(args["attachments"], "invalid_attachments")
    text = args.get("text")
    content = text or args.get("blocks") or args.get("attachments") or args.get("markdown_text")
    if require_content and not content:
        raise SlackError("no_text")
    if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if args.get("blocks") is not None:
        validate_message_blocks(args["blocks"])


def view_problems(view: dict[str, Any], expected_type: str | None = None) -> list[str]:
    kind = view.get("type")
    if kind not in VIEW_TYPES or (expected_type and kind != expected_type):
        wanted = expected_type or " or ".join(VIEW_TYPES)
        return [_at(f"must be {wanted}", "/view/type")]
    blocks = view.get("blocks", [])
    if not isinstance(blocks, list):
        return [_at("must be an array", "/view/blocks")]
    problems = block_problems(blocks, limit=MAX_VIEW_BLOCKS, root="/view/blocks")
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append(_at("missing required field: title", "/view"))
        inputs = [
            i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("type") == "input"
        ]
        if inputs and not view.get("submit"):
            problems.append(
                _at("must define `submit` to use `input` block", f"/view/blocks/{inputs[0]}/input")
            )
    problems += _empty_texts({k: view.get(k) for k in ("title", "submit", "close")}, "/view")
    if not problems:
        try:
            View(**view).to_dict()  # title/submit/close lengths, metadata, callback_id…
        except Exception as error:
            problems.append(_at(str(error), "/view"))
    return problems


def validate_view(view: Any, expected_type: str | None = None) -> dict[str, Any]:
    """Raise SlackError as views.open/push/update/publish would; return the decoded view."""
    view = decode_json_arg(view, "invalid_arguments")
    if not isinstance(view, dict):
        raise invalid_arguments("must be an object [json-pointer:/view]")
    if len(json.dumps(view).encode()) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    problems = view_problems(view, expected_type)
    if problems:
        raise invalid_arguments(*problems)
    return view


def check_view_submission_response(
    body: dict[str, Any] | None, view: dict[str, Any], *, stack_depth: int = 1
) -> list[str]:
    """Problems Slack would find in the bot's ack to a view_submission (empty list: fine).

    `view` is the submitted view (its input blocks decide which `errors` keys are allowed);
    `stack_depth` is how many views the modal holds, for `push`'s limit of 3.
    """
    if not body:
        return []  # an empty 200 closes the current view
    if not isinstance(body, dict):
        return [f"the ack must be a JSON object, got {type(body).__name__}"]
    action = body.get("response_action")
    allowed = {"response_action"} | ({"view"} if action in ("update", "push") else set())
    allowed |= {"errors"} if action == "errors" else set()
    problems = [f"unexpected key {key!r} for {action!r}" for key in body if key not in allowed]
    if action == "errors":
        errors = body.get("errors")
        inputs = {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}
        if not isinstance(errors, dict) or not errors:
            return [*problems, "errors must be a non-empty object of block_id: message"]
        for key, message in errors.items():
            if key not in inputs:
                problems.append(f"errors key {key!r} is not the block_id of an input block")
            if not isinstance(message, str) or not message:
                problems.append(f"errors[{key!r}] must be a non-empty string")
    elif action in ("update", "push"):
        try:
            validate_view(body.get("view"), "modal")
        except SlackError as error:
            problems.append(f"invalid view: {error.error} {error.extra}")
        if action == "push" and stack_depth >= 3:
            problems.append("push_limit_reached: a modal holds at most 3 views")
    elif action != "clear":
        problems.append(f"unknown response_action {action!r}")
    return problems
