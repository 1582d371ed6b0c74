"""`/journey settings`: this channel's language and time zone (any member), and for workspace
admins the workspace's defaults and irritant settings; others see those read-only."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
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

from bot.channel_locale import ChannelLocale
from bot.i18n import N_, Translator
from bot.irritants.config import RESOLVED_MARKS, IrritantConfig
from bot.irritants.labels import category_word
from handlers.blocks.text import clip, escape
from handlers.ids import IrritantField, IrritantView

MARK_LABELS = {
    "reaction": N_("A ✅ reaction on the message"),
    "reply": N_("A reply in the message's thread"),
    "both": N_("Both"),
    "none": N_("Nothing"),
}
# Each language named in itself, as people look for their own.
LANGUAGES = {"en": "English", "fr": "Français"}


def _title(text: str) -> PlainTextObject:
    return PlainTextObject(text=clip(text, 24))


def _locale_inputs(
    current: ChannelLocale, locale_field: str, zone_field: str, _: Translator
) -> list[Block]:
    options = [Option(text=name, value=code) for code, name in LANGUAGES.items()]
    initial = next((o for o in options if o.value == current.locale), options[0])
    return [
        InputBlock(
            block_id=locale_field,
            label=_("Language"),
            element=StaticSelectElement(action_id="value", options=options, initial_option=initial),
        ),
        InputBlock(
            block_id=zone_field,
            label=_("Time zone"),
            hint=_("A name like Europe/Paris, America/New_York or UTC."),
            element=PlainTextInputElement(
                action_id="value", initial_value=current.time_zone, max_length=64
            ),
        ),
    ]


def _irritant_inputs(config: IrritantConfig, _: Translator) -> list[Block]:
    mark_options = [Option(text=_(MARK_LABELS[mark]), value=mark) for mark in RESOLVED_MARKS]
    initial_mark = next(o for o in mark_options if o.value == config.resolved_mark)
    return [
        InputBlock(
            block_id=IrritantField.emojis,
            label=_("Irritant emojis"),
            hint=_(
                "Emoji names separated by commas, without colons. "
                "A reaction with any of them reports an irritant."
            ),
            element=PlainTextInputElement(
                action_id="value", initial_value=", ".join(config.emojis)
            ),
        ),
        InputBlock(
            block_id=IrritantField.categories,
            label=_("Categories"),
            hint=_("Separated by commas, 20 at most."),
            element=PlainTextInputElement(
                action_id="value", initial_value=", ".join(config.categories)
            ),
        ),
        InputBlock(
            block_id=IrritantField.retention_days,
            label=_("Keep message text for (days)"),
            hint=_("After this, the copied text is removed; counts and statuses stay."),
            element=PlainTextInputElement(
                action_id="value", initial_value=str(config.retention_days)
            ),
        ),
        InputBlock(
            block_id=IrritantField.resolved_mark,
            label=_("When an irritant is resolved, mark its message with"),
            element=RadioButtonsElement(
                action_id="value", options=mark_options, initial_option=initial_mark
            ),
        ),
    ]


def _read_only(config: IrritantConfig, workspace: ChannelLocale, _: Translator) -> list[Block]:
    emojis = " ".join(f":{name}:" for name in config.emojis)
    categories = ", ".join(escape(category_word(name, _)) for name in config.categories)
    lines = [
        _("*Irritant emojis:* {emojis}", emojis=emojis),
        _("*Categories:* {categories}", categories=categories),
        _(
            "*Workspace default:* {language}, {zone}",
            language=LANGUAGES.get(workspace.locale, workspace.locale),
            zone=workspace.time_zone,
        ),
    ]
    return [
        SectionBlock(
            block_id="workspace-read-only",
            text=MarkdownTextObject(text=clip("\n".join(lines), 3000)),
        ),
        ContextBlock(
            block_id="workspace-admins",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Only workspace admins and owners can change these: "
                        "ask one of them if something should change."
                    )
                )
            ],
        ),
    ]


def settings_modal(
    *,
    private_metadata: str,
    channel_id: str | None,
    channel: ChannelLocale,
    workspace: ChannelLocale,
    config: IrritantConfig,
    is_admin: bool,
    _: Translator,
) -> View:
    blocks: list[Block] = []
    if channel_id:
        blocks.append(
            SectionBlock(
                block_id="channel-intro",
                text=MarkdownTextObject(
                    text=_(
                        "*This channel, <#{channel}>*\nThe language and time zone of what "
                        "journeybot posts here for everyone. What it sends to one person stays "
                        "in that person's own language and time zone.",
                        channel=channel_id,
                    )
                ),
            )
        )
        blocks += _locale_inputs(
            channel, IrritantField.channel_locale, IrritantField.channel_time_zone, _
        )
        blocks.append(DividerBlock(block_id="channel-divider"))
    blocks.append(
        HeaderBlock(block_id="workspace-header", text=PlainTextObject(text=_("Workspace")))
    )
    if is_admin:
        blocks.append(
            ContextBlock(
                block_id="workspace-intro",
                elements=[
                    MarkdownTextObject(
                        text=_("The default for channels that haven't chosen their own.")
                    )
                ],
            )
        )
        blocks += _locale_inputs(
            workspace, IrritantField.workspace_locale, IrritantField.workspace_time_zone, _
        )
        blocks += _irritant_inputs(config, _)
    else:
        blocks += _read_only(config, workspace, _)
    return View(
        type="modal",
        callback_id=IrritantView.settings,
        private_metadata=private_metadata,
        title=_title(_("journeybot settings")),
        # Nothing to save for a non-admin outside a channel: the modal only informs.
        submit=PlainTextObject(text=clip(_("Save"), 24)) if channel_id or is_admin else None,
        close=PlainTextObject(text=clip(_("Cancel") if channel_id or is_admin else _("Close"), 24)),
        blocks=blocks,
    )
