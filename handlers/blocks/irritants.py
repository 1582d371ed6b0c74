"""Block Kit for irritants: the reporter's confirmation, the triage list, the DMs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

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
from bot.irritants.labels import category_word, status_word
from bot.irritants.rules import Status
from bot.irritants.usecases import IrritantCard
from handlers.blocks.text import clip, escape, slack_date, slack_quote, title_words
from handlers.ids import MAX_ROW_ID, IrritantAction

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
    id: int | None = Field(default=None, gt=0, le=MAX_ROW_ID)


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
            irritant_id if isinstance(irritant_id, int) and 0 < irritant_id <= MAX_ROW_ID else None
        )


def excerpt(card_text: str | None, text_status: str, _: Translator) -> str:
    if text_status == "redacted":
        return "_" + _("message text removed") + "_"
    if not card_text:
        return "_" + _("message text not available") + "_"
    return slack_quote(card_text, 280)


def card_title(card_text: str | None, channel_id: str, _: Translator) -> str:
    """A list item's title: the message's first words, or where it was when we can't read it."""
    if card_text:
        words = title_words(card_text)
        if words:
            return words
    return _("A message in <#{channel}>", channel=channel_id)


def reports(count: int, _: Translator) -> str:
    return _.ngettext("{count} report", "{count} reports", count)


def people(user_ids: tuple[str, ...], _: Translator, shown: int = 3) -> str:
    """`<@U1>, <@U2> and 2 others`: Slack renders each mention as the person's name."""
    mentions = [f"<@{user_id}>" for user_id in user_ids[:shown]]
    rest = len(user_ids) - len(mentions)
    if rest > 0:
        return _.ngettext(
            "{names} and {count} other",
            "{names} and {count} others",
            rest,
            names=", ".join(mentions),
        )
    if len(mentions) > 1:
        return _("{names} and {last}", names=", ".join(mentions[:-1]), last=mentions[-1])
    return mentions[0] if mentions else ""


def confirmation_blocks(
    irritant_id: int,
    reporters: int,
    channel_id: str,
    text: str | None,
    _: Translator,
    *,
    invite: bool = False,
) -> list[dict[str, Any]]:
    """Thanks, which message, how many reported it; with `invite`, how to let the bot read it.

    Sent for every new report, so it is built as the JSON Slack receives (what the Block
    Kit models' `to_dict` gives, which tests check), from texts translated once per
    language, count and channel: building and serialising the models was a third of the
    relay's cost per confirmation.
    """
    count, invite_text, details, undo = _confirmation_texts(
        _, reporters, channel_id, quoted=bool(text), invite=invite
    )
    lines = [count]
    if text:
        lines.append(slack_quote(text, 280))
    value = str(irritant_id)
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "block_id": "confirm",
            "text": {"type": "mrkdwn", "text": clip("\n".join(lines), 3000)},
        }
    ]
    if invite_text is not None:
        blocks.append(
            {
                "type": "section",
                "block_id": "confirm-invite",
                "text": {"type": "mrkdwn", "text": invite_text},
            }
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "confirm-actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": IrritantAction.details.value,
                    "text": {"type": "plain_text", "text": details, "emoji": True},
                    "value": value,
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": IrritantAction.undo.value,
                    "text": {"type": "plain_text", "text": undo, "emoji": True},
                    "value": value,
                },
            ],
        }
    )
    return blocks


_ConfirmationTexts = tuple[str, str | None, str, str]
_CONFIRMATION_TEXTS: dict[tuple[str, int, str, bool, bool], _ConfirmationTexts] = {}
_CONFIRMATION_TEXTS_MAX = 4096


def _confirmation_texts(
    _: Translator, reporters: int, channel_id: str, *, quoted: bool, invite: bool
) -> _ConfirmationTexts:
    """Keyed by locale (a Translator is its locale's catalog), not by Translator object."""
    key = (_.locale, reporters, channel_id, quoted, invite)
    texts = _CONFIRMATION_TEXTS.get(key)
    if texts is None:
        if len(_CONFIRMATION_TEXTS) >= _CONFIRMATION_TEXTS_MAX:
            _CONFIRMATION_TEXTS.clear()  # a bound, not an eviction policy: refilled at once
        texts = _CONFIRMATION_TEXTS[key] = _translate_confirmation(
            _, reporters, channel_id, quoted, invite
        )
    return texts


def _translate_confirmation(
    _: Translator, reporters: int, channel_id: str, quoted: bool, invite: bool
) -> _ConfirmationTexts:
    if quoted:
        count = _.ngettext(
            "Thanks! You reported this message in <#{channel}> as an irritant "
            "({count} report so far).",
            "Thanks! You reported this message in <#{channel}> as an irritant "
            "({count} reports so far).",
            reporters,
            channel=channel_id,
        )
    else:
        count = _.ngettext(
            "Thanks! You reported a message in <#{channel}> as an irritant "
            "({count} report so far).",
            "Thanks! You reported a message in <#{channel}> as an irritant "
            "({count} reports so far).",
            reporters,
            channel=channel_id,
        )
    invite_text = (
        _(
            "I'm not in <#{channel}>, so I can't read the message. Invite me with "
            "`/invite @journeybot` in the channel to get its text.",
            channel=channel_id,
        )
        if invite
        else None
    )
    return count, invite_text, _("Add details"), _("Undo")


def _card_blocks(card: IrritantCard, state: ListState, position: int, _: Translator) -> list[Block]:
    title = card_title(card.text, card.channel_id, _)
    if card.permalink:
        title = f"<{card.permalink}|{title.replace('|', '/')}>"
    body = f"*{position}. {title}*"
    if (card.text and title_words(card.text) != card.text.strip()) or not card.text:
        body += "\n" + excerpt(card.text, card.text_status, _)
    facts = [
        status_word(card.status, _),
        reports(card.reporters, _),
        f"<#{card.channel_id}>",
    ]
    if card.category:
        facts.append(escape(category_word(card.category, _)))
    if card.severity:
        facts.append(_("severity {level} of 3", level=card.severity))
    facts.append(_("last reported {date}", date=slack_date(card.reported_at)))
    if card.reporter_ids:
        facts.append(_("by {people}", people=people(card.reporter_ids, _)))
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
    return [
        SectionBlock(
            block_id=f"irritant-{card.id}", text=MarkdownTextObject(text=clip(body, 3000))
        ),
        ContextBlock(
            block_id=f"irritant-{card.id}-facts",
            elements=[MarkdownTextObject(text=clip(" · ".join(facts), 3000))],
        ),
        ActionsBlock(block_id=f"irritant-{card.id}-actions", elements=buttons),
    ]


@dataclass(frozen=True)
class Filter:
    """What the list was asked for, as the reader typed it, and what the workspace has."""

    categories: tuple[str, ...]
    unknown_category: str | None = None  # a word that names no category


def empty_text(state: ListState, found: Filter, command: str, _: Translator) -> str:
    """True empty states: a filter that matched nothing says so and how to widen it."""
    names = ", ".join(escape(category_word(name, _)) for name in found.categories)
    if found.unknown_category is not None:
        return _(
            "No category is called `{word}`. The categories are: {names}. "
            "For example: `{command} irritants all {example}`.",
            word=escape(found.unknown_category[:40]),
            names=names,
            command=command,
            example=escape(category_word(found.categories[0], _)).lower()
            if found.categories
            else "",
        )
    if state.category:
        category = escape(category_word(state.category, _))
        if state.scope == "open":
            return _(
                "No open irritant in the category {category}. `{command} irritants all` "
                "lists every irritant, resolved ones included; other categories: {names}.",
                category=category,
                command=command,
                names=names,
            )
        return _(
            "No irritant in the category {category} yet. Other categories: {names}.",
            category=category,
            names=names,
        )
    if state.scope == "open":
        return _(
            "No open irritant: nothing is waiting. `{command} irritants all` shows resolved and "
            "withdrawn ones. To report one, react to a client message with :rage:.",
            command=command,
        )
    return _(
        "No irritant yet. React to a client message with :rage: (or use the *Report an "
        "irritant* message shortcut) to report one."
    )


def list_blocks(
    cards: list[IrritantCard],
    *,
    state: ListState,
    total: int,
    page_size: int,
    found: Filter,
    _: Translator,
    command: str = "/journey",
) -> list[Block]:
    title = _("Open irritants") if state.scope == "open" else _("All irritants")
    if state.category and found.unknown_category is None:
        title = f"{title} · {clip(category_word(state.category, _), 60)}"
    blocks: list[Block] = [
        HeaderBlock(block_id="irritants-header", text=PlainTextObject(text=clip(title, 150)))
    ]
    if not cards:
        blocks.append(
            SectionBlock(
                block_id="irritants-empty",
                text=MarkdownTextObject(text=clip(empty_text(state, found, command, _), 3000)),
            )
        )
        return blocks
    first = state.page * page_size + 1
    for offset, card in enumerate(cards):
        blocks.extend(_card_blocks(card, state, first + offset, _))
        blocks.append(DividerBlock(block_id=f"irritant-{card.id}-divider"))
    pages = max(1, -(-total // page_size))
    position = _("Page {page} of {pages}", page=state.page + 1, pages=pages)
    blocks.append(
        ContextBlock(
            block_id="irritants-position",
            elements=[MarkdownTextObject(text=f"{position} · {count_text(state, total, _)}")],
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


def count_text(state: ListState, total: int, _: Translator) -> str:
    if state.scope == "open":
        return _.ngettext("{count} open irritant", "{count} open irritants", total)
    return _.ngettext("{count} irritant", "{count} irritants", total)


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
            ":white_check_mark: An irritant you reported in <#{channel}> was resolved. "
            "Thanks for reporting it!",
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
