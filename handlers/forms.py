"""Modal forms: reading submitted state, answering with inline errors, sealed metadata."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from slack_bolt.async_app import AsyncAck

from bot.i18n import Translator

ModelT = TypeVar("ModelT", bound=BaseModel)


def text_value(values: dict[str, Any], block_id: str) -> str | None:
    value = (values.get(block_id) or {}).get("value") or {}
    text = value.get("value")
    return str(text) if text is not None else None


def selected_value(values: dict[str, Any], block_id: str) -> str | None:
    value = (values.get(block_id) or {}).get("value") or {}
    option = value.get("selected_option")
    return str(option["value"]) if option else None


def translated_errors(errors: dict[str, str], _: Translator) -> dict[str, str]:
    return {str(block_id): _(message) for block_id, message in errors.items()}


class _Translates(Protocol):
    async def translator(self) -> Translator: ...


async def answer_submission(ack: AsyncAck, errors: dict[str, str], caller: _Translates) -> bool:
    """Ack a view submission: inline errors (nothing was written), or close. True if closed."""
    if errors:
        _ = await caller.translator()
        await ack(response_action="errors", errors=translated_errors(errors, _))
        return False
    await ack()
    return True


class MetadataSeal:
    """`private_metadata` the client can read but not change: JSON plus an HMAC tag.

    Slack hands `private_metadata` back as the client sent it, so anything the bot reads
    from it (which message a report is about, which irritant a modal resolves) is sealed
    with a server-side key when the modal opens and checked when it is submitted.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _tag(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()

    def seal(self, model: BaseModel) -> str:
        body = model.model_dump_json()
        return f"{self._tag(body)}.{body}"

    def open(self, sealed: str | None, model: type[ModelT]) -> ModelT | None:
        """The model, or None when the metadata was changed, is not ours, or doesn't fit."""
        tag, _sep, body = (sealed or "").partition(".")
        if not body or not hmac.compare_digest(tag, self._tag(body)):
            return None
        try:
            return model.model_validate_json(body)
        except ValidationError:
            return None
