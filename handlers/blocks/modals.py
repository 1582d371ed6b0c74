"""The irritant modals: details (and the shortcut's report), resolution."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject
from slack_sdk.models.views import View

from bot.i18n import N_, Translator
from bot.irritants.labels import category_word
from bot.irritants.rules import MAX_NOTE_LENGTH, MAX_RESOLUTION_LENGTH
from bot.irritants.usecases import ResolveForm
from bot.journeys.links import MOMENT_FIELD
from handlers.blocks.text import clip, slack_quote
from handlers.ids import IrritantField, IrritantView

SEVERITY_LABELS = {1: N_("1 · minor"), 2: N_("2 · annoying"), 3: N_("3 · serious")}


def _title(text: str) -> PlainTextObject:
    return PlainTextObject(text=clip(text, 24))


def details_modal(
    *,
    callback_id: str,
    private_metadata: str,
    categories: tuple[str, ...],
    excerpt: str | None,
    category: str | None,
    severity: int | None,
    note: str | None,
    _: Translator,
    report: bool = False,
    moments: Sequence[tuple[int, str]] = (),
    moment_id: int | None = None,
) -> View:
    """`report`: the message shortcut's modal (a new report), else editing one's details.

    The note field holds the reader's own note only: each reporter's note is theirs.
    `moments`: (id, label) of the moments the irritant may be linked to (edit only)."""
    category_options = [
        Option(text=clip(category_word(name, _), 75), value=clip(name, 150))
        for name in categories[:100]
    ]
    initial_category = next((o for o in category_options if o.value == category), None)
    severity_options = [
        Option(text=_(label), value=str(level)) for level, label in SEVERITY_LABELS.items()
    ]
    initial_severity = next((o for o in severity_options if o.value == str(severity)), None)
    blocks: list[Block] = []
    if excerpt:
        blocks.append(
            SectionBlock(
                block_id="excerpt", text=MarkdownTextObject(text=slack_quote(excerpt, 500))
            )
        )
    blocks += [
        InputBlock(
            block_id=IrritantField.category,
            label=_("Category"),
            optional=True,
            element=StaticSelectElement(
                action_id="value",
                placeholder=_("Choose a category"),
                options=category_options,
                initial_option=initial_category,
            ),
        ),
        InputBlock(
            block_id=IrritantField.severity,
            label=_("Severity"),
            optional=True,
            element=RadioButtonsElement(
                action_id="value", options=severity_options, initial_option=initial_severity
            ),
        ),
        InputBlock(
            block_id=IrritantField.note,
            label=_("Your note"),
            optional=True,
            hint=_(
                "What did the client feel? Anything the team should know. "
                "Each person who reports it keeps their own note."
            ),
            element=PlainTextInputElement(
                action_id="value",
                multiline=True,
                max_length=MAX_NOTE_LENGTH,
                initial_value=note or None,
            ),
        ),
    ]
    if moments:
        moment_options = [Option(text=_("No moment"), value="none")] + [
            Option(text=clip(label, 75), value=str(moment)) for moment, label in moments[:99]
        ]
        blocks.append(
            InputBlock(
                block_id=MOMENT_FIELD,
                label=_("Moment of truth"),
                optional=True,
                hint=_("Link it to a moment of this channel's journey exercise."),
                element=StaticSelectElement(
                    action_id="value",
                    options=moment_options,
                    initial_option=next(
                        (o for o in moment_options if o.value == str(moment_id)), None
                    ),
                ),
            )
        )
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=_title(_("Report an irritant") if report else _("Irritant details")),
        submit=PlainTextObject(text=clip(_("Report") if report else _("Save"), 24)),
        close=PlainTextObject(text=clip(_("Cancel"), 24)),
        blocks=blocks,
    )


def resolve_modal(*, private_metadata: str, form: ResolveForm, _: Translator) -> View:
    """Says where the note goes before it is sent: the reporters' DMs, and the client's thread
    too when the workspace marks resolved messages with a reply."""
    blocks: list[Block] = []
    if form.excerpt:
        blocks.append(
            SectionBlock(
                block_id="excerpt", text=MarkdownTextObject(text=slack_quote(form.excerpt, 500))
            )
        )
    blocks.append(
        InputBlock(
            block_id=IrritantField.resolution,
            label=_("What was done?"),
            hint=_.ngettext(
                "Sent to the person who reported it, in a direct message.",
                "Sent to the {count} people who reported it, in direct messages.",
                form.reporters,
            ),
            element=PlainTextInputElement(
                action_id="value", multiline=True, max_length=MAX_RESOLUTION_LENGTH
            ),
        )
    )
    if form.mark in ("reply", "both"):
        warning = _(
            ":speech_balloon: Also posted in the message's thread in <#{channel}>, where "
            "everyone in the channel can read it, clients and guests included.",
            channel=form.channel_id,
        )
        blocks.append(
            ContextBlock(block_id="resolve-public", elements=[MarkdownTextObject(text=warning)])
        )
    return View(
        type="modal",
        callback_id=IrritantView.resolve,
        private_metadata=private_metadata,
        title=_title(_("Resolve irritant")),
        submit=PlainTextObject(text=clip(_("Resolve"), 24)),
        close=PlainTextObject(text=clip(_("Cancel"), 24)),
        blocks=blocks,
    )
