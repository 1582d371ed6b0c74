"""Modals for cards after they are written: the card editor (with its undo), a card's edit
form, a long card in full, and the facilitator's hand-over."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import Translator
from bot.journeys.board import CARD_TEXT_MAX, Column
from bot.journeys.cards import CardText, EditableCards
from bot.journeys.rules import CARDS_FROZEN, Field
from handlers.blocks.journey_forms import (
    COLUMN_LABELS,
    editor_modal,
    form_modal,
    heading_block,
    reading_modal,
    text_block,
    undo_block,
)
from handlers.blocks.text import clip, escape
from handlers.ids import JourneyAction, JourneyView

CARDS_PER_PAGE = 40  # a section each, with the banner, notes and page buttons: under 100
EDITOR_CARD_CHARS = 400  # the editor shows this much of a card; Read in full shows the rest
SECTION_CHARS = 2900  # under Slack's 3,000 characters a section


def column_label(column: Column, _: Translator) -> str:
    return _(COLUMN_LABELS[column])


def _where(card: CardText, _: Translator) -> str:
    return f"_{escape(clip(card.moment, 80))} · {column_label(card.column, _)}_"


def cards_editor(
    *,
    private_metadata: str,
    cards: EditableCards,
    page: int,
    deleted: tuple[int, str] | None,
    _: Translator,
) -> View:
    """The person's cards (every card for the facilitator), each with a menu: edit, delete,
    read in full; a deleted card shows an Undo at the top."""
    blocks: list[Block] = []
    if deleted is not None:
        deleted_id, card_text = deleted
        text = _("Deleted “{text}”.", text=escape(clip(" ".join(card_text.split()), 80)))
        blocks.append(undo_block(text, JourneyAction.undo_card, deleted_id, _))
    if cards.facilitator:
        intro = _("As the facilitator, you can change every card.")
    else:
        intro = _("The cards you wrote.")
    if not cards.changeable:
        intro += " " + _(CARDS_FROZEN)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=intro)]))
    pages = max(1, -(-len(cards.cards) // CARDS_PER_PAGE))
    page = max(0, min(page, pages - 1))
    shown = cards.cards[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
    if not shown:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_("No cards yet."))]))
    for card in shown:
        text = _where(card, _) + "\n" + escape(clip(card.text, EDITOR_CARD_CHARS))
        options = []
        if cards.changeable:
            options += [
                Option(text=_("Edit"), value=f"edit:{card.id}"),
                Option(text=_("Delete"), value=f"delete:{card.id}"),
            ]
        if len(card.text) > EDITOR_CARD_CHARS:
            options.append(Option(text=_("Read in full"), value=f"read:{card.id}"))
        accessory = (
            OverflowMenuElement(action_id=JourneyAction.card_menu, options=options)
            if options
            else None
        )
        blocks.append(
            SectionBlock(
                block_id=f"card-{card.id}",
                text=MarkdownTextObject(text=text),
                accessory=accessory,
            )
        )
    if pages > 1:
        blocks.append(
            ActionsBlock(
                block_id="cards-pages",
                elements=[
                    ButtonElement(
                        action_id=f"{JourneyAction.cards_page}-{target}",
                        text=_("Page {page} of {count}", page=target + 1, count=pages),
                        value=str(target),
                    )
                    for target in (page - 1, page + 1)
                    if 0 <= target < pages
                ],
            )
        )
    return editor_modal(
        JourneyView.cards,
        private_metadata=private_metadata,
        title_text=_("Cards"),
        blocks=blocks,
        _=_,
    )


def card_edit_modal(*, private_metadata: str, card: CardText, _: Translator) -> View:
    columns = [Option(text=_(label), value=column.value) for column, label in COLUMN_LABELS.items()]
    current = next(option for option in columns if option.value == card.column.value)
    return form_modal(
        JourneyView.card_edit,
        private_metadata=private_metadata,
        title_text=_("Edit the card"),
        submit=_("Save"),
        _=_,
        blocks=[
            heading_block(f"_{escape(clip(card.moment, 80))}_"),
            InputBlock(
                block_id=Field.column,
                label=_("Column"),
                element=StaticSelectElement(
                    action_id="value", options=columns, initial_option=current
                ),
            ),
            text_block(Field.text, _("Card"), CARD_TEXT_MAX, initial=card.text, multiline=True),
        ],
    )


def card_text_modal(card: CardText, _: Translator) -> View:
    """A card in full: its moment and column, its whole text, its author unless anonymous."""
    heading = _where(card, _)
    if card.author_id:
        heading += " · " + _("by <@{user}>", user=card.author_id)
    body = escape(card.text)
    blocks: list[Block] = [SectionBlock(block_id="where", text=MarkdownTextObject(text=heading))]
    # A card is at most 500 characters today; cutting into sections keeps a longer one valid.
    for start in range(0, max(1, len(body)), SECTION_CHARS):
        blocks.append(
            SectionBlock(
                block_id=f"text-{start // SECTION_CHARS}",
                text=MarkdownTextObject(text=body[start : start + SECTION_CHARS] or " "),
            )
        )
    return reading_modal(JourneyView.card_text, title_text=_("Card"), blocks=blocks, _=_)


def hand_over_modal(*, private_metadata: str, heading: str, _: Translator) -> View:
    return form_modal(
        JourneyView.hand_over,
        private_metadata=private_metadata,
        title_text=_("Hand over"),
        submit=_("Hand over"),
        _=_,
        blocks=[
            heading_block(heading),
            InputBlock(
                block_id=Field.facilitator,
                label=_("New facilitator"),
                hint=_(
                    "A member of the exercise's channel. They get the Next phase button and "
                    "a direct message; you keep contributing like everyone else."
                ),
                element=UserSelectElement(action_id="value"),
            ),
        ],
    )
