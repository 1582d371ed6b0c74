"""The journey modals: a new exercise, a moment, a card, the facilitator's moment editor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject
from slack_sdk.models.views import View

from bot.i18n import N_, Translator
from bot.journeys.board import (
    CARD_TEXT_MAX,
    DESCRIPTION_MAX,
    MOMENT_NAME_MAX,
    NOTE_MAX,
    PERSONA_LINE_MAX,
    PERSONA_NAME_MAX,
    TASK_MAX,
    TOUCHPOINT_LABELS,
    VOTES_PER_MEMBER_DEFAULT,
    Column,
)
from bot.journeys.contribute import MomentChoice
from bot.journeys.rules import VOTES_MAX, Field
from handlers.blocks.text import clip, escape
from handlers.ids import JourneyAction, JourneyView

SHARED_OK = "shared_ok"
ANONYMOUS = "anonymous"
FEELING_LABELS = {
    -2: N_("-2 · very bad"),
    -1: N_("-1 · bad"),
    0: N_("0 · neutral"),
    1: N_("+1 · good"),
    2: N_("+2 · very good"),
}
COLUMN_LABELS = {
    Column.TODAY: N_("What we do today"),
    Column.TOMORROW: N_("What we could do tomorrow"),
}


def title(text: str) -> PlainTextObject:
    return PlainTextObject(text=clip(text, 24))


def _journey_modal(
    callback_id: str,
    *,
    title_text: str,
    close: str,
    blocks: Sequence[Block],
    private_metadata: str | None = None,
    submit: str | None = None,
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=title(title_text),
        submit=submit,
        close=close,
        blocks=list(blocks),
    )


def form_modal(
    callback_id: str,
    *,
    private_metadata: str,
    title_text: str,
    submit: str,
    blocks: Sequence[Block],
    _: Translator,
) -> View:
    """A journey form: sealed state, a submit button and Cancel."""
    return _journey_modal(
        callback_id,
        private_metadata=private_metadata,
        title_text=title_text,
        submit=submit,
        close=_("Cancel"),
        blocks=blocks,
    )


def editor_modal(
    callback_id: str,
    *,
    private_metadata: str,
    title_text: str,
    blocks: Sequence[Block],
    _: Translator,
) -> View:
    """A journey modal changed in place by its own buttons and menus, closed with Done."""
    return _journey_modal(
        callback_id,
        private_metadata=private_metadata,
        title_text=title_text,
        close=_("Done"),
        blocks=blocks,
    )


def reading_modal(
    callback_id: str, *, title_text: str, blocks: Sequence[Block], _: Translator
) -> View:
    """A journey modal only to read, closed with Close."""
    return _journey_modal(callback_id, title_text=title_text, close=_("Close"), blocks=blocks)


def heading_block(text: str) -> SectionBlock:
    """What a form is about (the exercise, the card's moment), atop it."""
    return SectionBlock(block_id="heading", text=MarkdownTextObject(text=text))


def undo_block(text: str, action_id: str, item_id: int, _: Translator) -> SectionBlock:
    """What an editor just deleted, with the button that brings it back."""
    return SectionBlock(
        block_id="deleted",
        text=MarkdownTextObject(text=text),
        accessory=ButtonElement(action_id=action_id, text=_("Undo"), value=str(item_id)),
    )


def text_block(
    field: str,
    label: str,
    limit: int,
    *,
    initial: str | None = None,
    optional: bool = False,
    multiline: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        element=PlainTextInputElement(
            action_id="value",
            max_length=limit,
            multiline=multiline,
            initial_value=clip(initial, limit) if initial else None,
        ),
    )


def _deadline(field: str, label: str, at: datetime) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        element=DateTimePickerElement(action_id="value", initial_date_time=int(at.timestamp())),
    )


def new_exercise_modal(
    *,
    private_metadata: str,
    task: str | None,
    channel_id: str,
    deadlines: tuple[datetime, datetime, datetime],
    shared: bool,
    _: Translator,
) -> View:
    blocks: list[Block] = []
    if shared:
        blocks += [
            SectionBlock(
                block_id="shared_warning",
                text=MarkdownTextObject(
                    text=_(
                        ":warning: This channel is shared with another organisation. An "
                        "exercise's cards are your team's candid view of its own service, and "
                        "everyone in the channel will read them."
                    )
                ),
            ),
            InputBlock(
                block_id=SHARED_OK,
                label=_("Shared channel"),
                optional=True,
                element=CheckboxesElement(
                    action_id="value",
                    options=[Option(text=_("Start it in this shared channel anyway"), value="yes")],
                ),
            ),
        ]
    blocks += [
        text_block(Field.task, _("Recurring task"), TASK_MAX, initial=task),
        text_block(Field.persona_name, _("Client persona"), PERSONA_NAME_MAX),
        text_block(Field.persona_line, _("Who they are, in one line"), PERSONA_LINE_MAX),
        text_block(
            Field.description, _("Description"), DESCRIPTION_MAX, optional=True, multiline=True
        ),
        InputBlock(
            block_id=Field.channel,
            label=_("Channel"),
            element=ConversationSelectElement(
                action_id="value",
                initial_conversation=channel_id,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        _deadline(Field.moments_deadline, _("Moments of truth listed by"), deadlines[0]),
        _deadline(Field.columns_deadline, _("Columns filled by"), deadlines[1]),
        _deadline(Field.vote_deadline, _("Votes in by"), deadlines[2]),
        InputBlock(
            block_id=Field.votes,
            label=_("Votes per member"),
            element=NumberInputElement(
                action_id="value",
                is_decimal_allowed=False,
                initial_value=str(VOTES_PER_MEMBER_DEFAULT),
                min_value="1",
                max_value=str(VOTES_MAX),
            ),
        ),
        InputBlock(
            block_id=ANONYMOUS,
            label=_("Anonymity"),
            optional=True,
            element=CheckboxesElement(
                action_id="value",
                options=[Option(text=_("Hide who wrote each card"), value="yes")],
            ),
        ),
    ]
    return form_modal(
        JourneyView.new,
        private_metadata=private_metadata,
        title_text=_("New journey exercise"),
        submit=_("Start"),
        blocks=blocks,
        _=_,
    )


def moment_modal(*, private_metadata: str, heading: str, count: int, _: Translator) -> View:
    touchpoints = [Option(text=_(label), value=tp.value) for tp, label in TOUCHPOINT_LABELS.items()]
    return form_modal(
        JourneyView.moment,
        private_metadata=private_metadata,
        title_text=_("Add a moment of truth"),
        submit=_("Add"),
        _=_,
        blocks=[
            heading_block(heading),
            text_block(Field.name, _("Moment of truth"), MOMENT_NAME_MAX),
            InputBlock(
                block_id=Field.touchpoint,
                label=_("Touchpoint"),
                element=StaticSelectElement(action_id="value", options=touchpoints),
            ),
            text_block(Field.note, _("Note"), NOTE_MAX, optional=True, multiline=True),
            InputBlock(
                block_id=Field.position,
                label=_("Position (1 is first; empty: last)"),
                optional=True,
                element=NumberInputElement(
                    action_id="value",
                    is_decimal_allowed=False,
                    min_value="1",
                    max_value=str(count + 1),
                ),
            ),
        ],
    )


def card_modal(
    *, private_metadata: str, heading: str, moments: Sequence[MomentChoice], _: Translator
) -> View:
    options = [
        Option(text=clip(f"{m.position}. {m.name}", 75), value=str(m.id)) for m in moments[:100]
    ]
    feelings = [Option(text=_(label), value=str(value)) for value, label in FEELING_LABELS.items()]
    columns = [Option(text=_(label), value=column.value) for column, label in COLUMN_LABELS.items()]
    return form_modal(
        JourneyView.card,
        private_metadata=private_metadata,
        title_text=_("Add a card"),
        submit=_("Add"),
        _=_,
        blocks=[
            heading_block(heading),
            InputBlock(
                block_id=Field.moment,
                label=_("Moment of truth"),
                element=StaticSelectElement(action_id="value", options=options),
            ),
            InputBlock(
                block_id=Field.column,
                label=_("Column"),
                element=StaticSelectElement(
                    action_id="value", options=columns, initial_option=columns[0]
                ),
            ),
            text_block(Field.text, _("Card"), CARD_TEXT_MAX, optional=True, multiline=True),
            InputBlock(
                block_id=Field.feeling,
                label=_("The client's feeling at this moment today"),
                optional=True,
                element=StaticSelectElement(action_id="value", options=feelings),
            ),
        ],
    )


def moments_editor(
    *,
    private_metadata: str,
    moments: Sequence[MomentChoice],
    deleted: tuple[int, str] | None,
    _: Translator,
) -> View:
    """The facilitator's list of moments, each with a menu: move, rename, merge, delete."""
    blocks: list[Block] = []
    if deleted is not None:
        deleted_id, name = deleted
        text = _("Deleted “{name}”.", name=escape(clip(name, 80)))
        blocks.append(undo_block(text, JourneyAction.undo_delete, deleted_id, _))
    if not moments:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_("No moments yet."))]))
    for index, moment in enumerate(moments[:90]):
        options = [Option(text=_("Rename"), value=f"rename:{moment.id}")]
        if index > 0:
            options += [
                Option(text=_("Move up"), value=f"up:{moment.id}"),
                Option(text=_("Merge into the one above"), value=f"merge:{moment.id}"),
            ]
        if index < len(moments) - 1:
            options.append(Option(text=_("Move down"), value=f"down:{moment.id}"))
        options.append(Option(text=_("Delete"), value=f"delete:{moment.id}"))
        blocks.append(
            SectionBlock(
                block_id=f"moment-{moment.id}",
                text=MarkdownTextObject(text=f"*{moment.position}.* {escape(moment.name)}"),
                accessory=OverflowMenuElement(action_id=JourneyAction.moment_menu, options=options),
            )
        )
    return editor_modal(
        JourneyView.moments,
        private_metadata=private_metadata,
        title_text=_("Moments of truth"),
        blocks=blocks,
        _=_,
    )


def rename_modal(*, private_metadata: str, name: str, _: Translator) -> View:
    return form_modal(
        JourneyView.rename,
        private_metadata=private_metadata,
        title_text=_("Rename the moment"),
        submit=_("Rename"),
        blocks=[text_block(Field.name, _("Moment of truth"), MOMENT_NAME_MAX, initial=name)],
        _=_,
    )


def loading_modal(_: Translator) -> View:
    """Opened at once, inside the trigger's three seconds; the real modal replaces it."""
    return reading_modal(
        JourneyView.loading,
        title_text=_("Journey"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=_("Loading…")))],
        _=_,
    )


def notice_modal(text: str, _: Translator) -> View:
    """What replaces the loading modal when the action is refused."""
    return reading_modal(
        JourneyView.notice,
        title_text=_("Journey"),
        blocks=[SectionBlock(block_id="notice", text=MarkdownTextObject(text=text))],
        _=_,
    )
