"""The `/journey watch` form: every field of a watch, prefilled with the current one."""

from __future__ import annotations

from datetime import time

from babel.dates import get_day_names
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject
from slack_sdk.models.views import View

from bot.i18n import N_, Translator
from bot.promises.rules import (
    DEFAULT_TEXT,
    MAX_TEXT_LENGTH,
    Field,
    WatchSetup,
    WatchTeam,
    default_hours,
)
from bot.windows import window_text
from handlers.blocks.text import clip
from handlers.ids import PromiseView

TEAM_LABELS = {
    WatchTeam.channel_members: N_("The channel's members"),
    WatchTeam.named_users: N_("These people"),
    WatchTeam.user_group: N_("A user group"),
}
ALERT_LABELS = {
    "thread": N_("In the request's thread"),
    "team_channel": N_("In a team channel"),
}


def _hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def watch_modal(
    *, private_metadata: str, current: WatchSetup | None, timezone: str | None, _: Translator
) -> View:
    """The form, prefilled with the channel's watch or the defaults (hours in `timezone`)."""
    hours = (current.hours if current else None) or default_hours(timezone)
    day_names = get_day_names("wide", locale=_.locale)
    weekday_options = [Option(text=str(day_names[day]), value=str(day)) for day in range(7)]
    team_options = [Option(text=_(label), value=kind.value) for kind, label in TEAM_LABELS.items()]
    alert_options = [Option(text=_(label), value=place) for place, label in ALERT_LABELS.items()]
    team_kind = current.team.kind if current else WatchTeam.channel_members
    alert_place = "team_channel" if current and current.alert_channel_id else "thread"
    business = current is not None and current.hours is not None
    business_option = Option(text=_("Count only business hours"), value="yes")
    blocks: list[Block] = [
        InputBlock(
            block_id=Field.window,
            label=_("Acknowledge within"),
            hint=_("A number and a unit: 10s, 30m, 4h, 24h or 2d (30 days at most)."),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=window_text(current.window) if current else "4h",
                max_length=20,
            ),
        ),
        InputBlock(
            block_id=Field.text,
            label=_("The promise, as the team reads it"),
            optional=True,
            hint=_("Empty: “{default}”.", default=_(DEFAULT_TEXT, window="…")),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=current.text if current and current.text else None,
                max_length=MAX_TEXT_LENGTH,
            ),
        ),
        InputBlock(
            block_id=Field.business,
            label=_("Business hours"),
            optional=True,
            element=CheckboxesElement(
                action_id="value",
                options=[business_option],
                initial_options=[business_option] if business else None,
            ),
        ),
        InputBlock(
            block_id=Field.timezone,
            label=_("Time zone of the business hours"),
            hint=_("An IANA name, such as Europe/Paris or America/New_York."),
            element=PlainTextInputElement(
                action_id="value", initial_value=hours.timezone, max_length=64
            ),
        ),
        InputBlock(
            block_id=Field.weekdays,
            label=_("Open days"),
            element=CheckboxesElement(
                action_id="value",
                options=weekday_options,
                initial_options=[o for o in weekday_options if int(o.value) in hours.weekdays],
            ),
        ),
        InputBlock(
            block_id=Field.opens,
            label=_("Opens at"),
            element=TimePickerElement(action_id="value", initial_time=_hhmm(hours.opens)),
        ),
        InputBlock(
            block_id=Field.closes,
            label=_("Closes at"),
            hint=_("00:00 means midnight, at the end of the day."),
            element=TimePickerElement(action_id="value", initial_time=_hhmm(hours.closes)),
        ),
        InputBlock(
            block_id=Field.holidays,
            label=_("Public holidays of (country code)"),
            optional=True,
            hint=_("Two letters, such as FR or US: the clock stops on those days too."),
            element=PlainTextInputElement(
                action_id="value", initial_value=hours.holiday_country or None, max_length=8
            ),
        ),
        ContextBlock(
            block_id="business-note",
            elements=[
                MarkdownTextObject(
                    text=_("Time zone, days, hours and holidays count only with business hours.")
                )
            ],
        ),
        InputBlock(
            block_id=Field.team_kind,
            label=_("Who answers the requests"),
            element=RadioButtonsElement(
                action_id="value",
                options=team_options,
                initial_option=next(o for o in team_options if o.value == team_kind),
            ),
        ),
        InputBlock(
            block_id=Field.team_people,
            label=_("The people"),
            optional=True,
            element=UserMultiSelectElement(
                action_id="value",
                initial_users=list(current.team.user_ids) if current else None,
                max_selected_items=50,
            ),
        ),
        InputBlock(
            block_id=Field.team_group,
            label=_("The user group's ID"),
            optional=True,
            hint=_("Such as S0123ABCD: open the group in Slack and copy its ID."),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=current.team.group_id if current and current.team.group_id else None,
                max_length=60,
            ),
        ),
        InputBlock(
            block_id=Field.nudge,
            label=_("Nudge at (% of the window)"),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=str(round((current.nudge_fraction if current else 0.75) * 100)),
                max_length=4,
            ),
        ),
        InputBlock(
            block_id=Field.reactions,
            label=_("Reactions that acknowledge a request"),
            hint=_("Emoji names, separated by commas."),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=", ".join(
                    current.ack_reactions
                    if current
                    else ("eyes", "white_check_mark", "heavy_check_mark")
                ),
                max_length=300,
            ),
        ),
        InputBlock(
            block_id=Field.alerts,
            label=_("Where nudges and escalations go"),
            hint=_("A channel shared with another organisation needs a team channel."),
            element=RadioButtonsElement(
                action_id="value",
                options=alert_options,
                initial_option=next(o for o in alert_options if o.value == alert_place),
            ),
        ),
        InputBlock(
            block_id=Field.alert_channel,
            label=_("Team channel"),
            optional=True,
            element=ConversationSelectElement(
                action_id="value",
                initial_conversation=current.alert_channel_id if current else None,
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_external_shared_channels=True,
                    exclude_bot_users=True,
                ),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=PromiseView.watch,
        private_metadata=private_metadata,
        title=PlainTextObject(text=clip(_("Watch this channel"), 24)),
        submit=PlainTextObject(text=clip(_("Save"), 24)),
        close=PlainTextObject(text=clip(_("Cancel"), 24)),
        blocks=blocks,
    )
