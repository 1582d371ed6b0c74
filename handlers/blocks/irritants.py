"""Block Kit for irritants: the reporter's confirmation, the triage list, the DMs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import Translator
from bot.irritants.rules import STATUS_LABELS, Status
from bot.irritants.usecases import IrritantCard
from handlers.blocks.text import clip, escape, quote
from handlers.ids import IrritantAction

# What the "Add details" and "Undo" buttons carry: an irritant id, as the bot wrote it.
_IRRITANT_ID = re.compile(r"[1-9][0-9]{0,17}")


def is_irritant_id(value: str) -> bool:
    return _IRRITANT_ID.fullmatch(value) is not None


class _ListValue(BaseModel):
    """The JSON `ListState.encode` writes into a list's buttons, and nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True)
    s: Literal["open", "all"]
    c: str | None = Field(max_length=1900)
    p: int = Field(ge=0, le=10_000)
    id: int | None = Field(default=None, gt=0, lt=2**62)


@dataclass(frozen=True)
class ListState:
    scope: str  # "open" | "all"
    category: str | None
    page: int

    def encode(self, irritant_id: int | None = None) -> str:
        data: dict[str, object] = {"s": self.scope, "c": self.category, "p": self.page}
        if irritant_id is not None:
            data["id"] = irritant_id
        return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def is_encoding(value: str) -> bool:
        """True for a value `encode` could have written (the edge refuses other clicks)."""
        if len(value) > 2000:
            return False
        try:
            _ListValue.model_validate_json(value)
        except ValidationError:
            return False
        return True

    @staticmethod
    def decode(value: str) -> tuple[ListState, int | None]:
        """The list a button belongs to; a value the client mangled reads as page one."""
        try:
            data = json.loads(value)
        except (ValueError, RecursionError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        scope = "all" if data.get("s") == "all" else "open"
        category = data.get("c") if isinstance(data.get("c"), str) else None
        page = data.get("p")
        page = min(max(0, page), 10_000) if isinstance(page, int) else 0
        irritant_id = data.get("id")
        return ListState(scope, category, page), (
            irritant_id if isinstance(irritant_id, int) and 0 < irritant_id < 2**62 else None
        )


def excerpt(card_text: str | None, text_status: str, _: Translator) -> str:
    if text_status == "redacted":
        return "_" + _("message text removed") + "_"
    if not card_text:
        return "_" + _("message text not available") + "_"
    return quote(card_text, 280)


def confirmation_blocks(irritant_id: int, reporters: int, _: Translator) -> list[Block]:
    text = _(
        ":white_check_mark: Captured as an irritant. Reporters so far: {count}.", count=reporters
    )
    return [
        SectionBlock(block_id="confirm", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="confirm-actions",
            elements=[
                ButtonElement(
                    text=_("Add details"),
                    action_id=IrritantAction.details,
                    value=str(irritant_id),
                    style="primary",
                ),
                ButtonElement(
                    text=_("Undo"), action_id=IrritantAction.undo, value=str(irritant_id)
                ),
            ],
        ),
    ]


def _card_blocks(card: IrritantCard, state: ListState, _: Translator) -> list[Block]:
    status = _(STATUS_LABELS.get(Status(card.status), card.status))
    facts = [
        _("{count} reporter(s)", count=card.reporters),
        status,
        f"<#{card.channel_id}>",
    ]
    if card.category:
        facts.append(escape(card.category))
    if card.severity:
        facts.append(_("severity {level}", level=card.severity))
    if card.permalink:
        facts.append(f"<{card.permalink}|{_('view message')}>")
    buttons: list[ButtonElement] = []
    value = state.encode(card.id)
    if card.status == Status.new:
        buttons.append(
            ButtonElement(text=_("Acknowledge"), action_id=IrritantAction.acknowledge, value=value)
        )
    if card.status in (Status.new, Status.acknowledged):
        buttons.append(
            ButtonElement(
                text=_("Resolve"), action_id=IrritantAction.resolve, value=value, style="primary"
            )
        )
    else:
        buttons.append(
            ButtonElement(text=_("Reopen"), action_id=IrritantAction.reopen, value=value)
        )
    # Details: category, severity, note and the journey moment it belongs to.
    buttons.append(
        ButtonElement(text=_("Details"), action_id=IrritantAction.details, value=str(card.id))
    )
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"irritant-{card.id}",
            text=MarkdownTextObject(
                text=clip(f"*#{card.id}*\n" + excerpt(card.text, card.text_status, _), 3000)
            ),
        ),
        ContextBlock(
            block_id=f"irritant-{card.id}-facts",
            elements=[MarkdownTextObject(text=clip(" · ".join(facts), 3000))],
        ),
        ActionsBlock(block_id=f"irritant-{card.id}-actions", elements=buttons),
    ]
    return blocks


def list_blocks(
    cards: list[IrritantCard], *, state: ListState, total: int, page_size: int, _: Translator
) -> list[Block]:
    title = _("Open irritants") if state.scope == "open" else _("All irritants")
    if state.category:
        title = f"{title} · {clip(state.category, 60)}"
    blocks: list[Block] = [
        HeaderBlock(block_id="irritants-header", text=PlainTextObject(text=clip(title, 150)))
    ]
    if not cards:
        blocks.append(
            SectionBlock(
                block_id="irritants-empty",
                text=MarkdownTextObject(
                    text=_(
                        "Nothing here yet. React to a client message with :rage: "
                        "(or use the message shortcut) to report an irritant."
                    )
                ),
            )
        )
        return blocks
    for card in cards:
        blocks.extend(_card_blocks(card, state, _))
        blocks.append(DividerBlock(block_id=f"irritant-{card.id}-divider"))
    pages = max(1, -(-total // page_size))
    blocks.append(
        ContextBlock(
            block_id="irritants-position",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Page {page} of {pages} · {total} irritant(s)",
                        page=state.page + 1,
                        pages=pages,
                        total=total,
                    )
                )
            ],
        )
    )
    navigation: list[ButtonElement] = []
    if state.page > 0:
        previous = ListState(state.scope, state.category, state.page - 1)
        navigation.append(
            ButtonElement(
                text=_("Previous"),
                action_id=f"{IrritantAction.page}-previous",
                value=previous.encode(),
            )
        )
    if state.page + 1 < pages:
        following = ListState(state.scope, state.category, state.page + 1)
        navigation.append(
            ButtonElement(
                text=_("Next"), action_id=f"{IrritantAction.page}-next", value=following.encode()
            )
        )
    if navigation:
        blocks.append(ActionsBlock(block_id="irritants-navigation", elements=navigation))
    return blocks


def resolved_dm_blocks(
    *,
    channel_id: str,
    text: str | None,
    text_status: str,
    permalink: str | None,
    note: str,
    _: Translator,
) -> list[Block]:
    lines = [
        _(
            ":white_check_mark: An irritant you reported in <#{channel}> was resolved.",
            channel=channel_id,
        )
    ]
    lines.append(excerpt(text, text_status, _))
    lines.append("*" + _("What was done:") + "* " + clip(escape(note), 1000))
    if permalink:
        lines.append(f"<{permalink}|{_('View the message')}>")
    return [
        SectionBlock(
            block_id="resolved", text=MarkdownTextObject(text=clip("\n".join(lines), 3000))
        )
    ]


def notice_block(text: str) -> Block:
    return ContextBlock(
        block_id="irritants-notice", elements=[MarkdownTextObject(text=clip(text, 3000))]
    )
