"""`/journey digest` without arguments: a form for the day, the time, the time zone and on/off.

It speaks the language of the person who opened it (only they see it). The channel is sealed
in `private_metadata` with the workspace it was opened in, so a forged or foreign form is
refused. Each field is checked on submission and an error shows under its own input; the
Slack Connect rule of the one-liner applies here too.
"""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.digests import usecases
from bot.digests.form import OFF, ON, DigestField, DigestForm, check_form
from bot.digests.schedule import DigestSchedule
from bot.i18n import N_, Translator
from handlers.caller import Caller
from handlers.digests.texts import SHARED, when_posted
from handlers.forms import answer_submission, selected_value, text_value
from handlers.ids import DigestView
from handlers.promises import slack_facts
from handlers.promises.blocks import when
from handlers.slack_services import SlackServices

EXPIRED = N_("This form is out of date; close it and open it again.")


class DigestMetadata(BaseModel):
    """Sealed in the form: the workspace and channel it was opened for."""

    team_id: str
    channel_id: str


def digest_modal(
    *,
    private_metadata: str,
    schedule: DigestSchedule,
    enabled: bool,
    status: str,
    _: Translator,
) -> View:
    """The form, prefilled with the channel's schedule (or the defaults)."""
    day_names = get_day_names("wide", locale=_.locale)
    days = [Option(text=str(day_names[day]).capitalize(), value=str(day)) for day in range(7)]
    on = Option(text=_("On: post it every week"), value=ON)
    off = Option(text=_("Off: no digest in this channel"), value=OFF)
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=status)]),
        InputBlock(
            block_id=DigestField.weekday,
            label=_("Day"),
            element=StaticSelectElement(
                action_id="value", options=days, initial_option=days[schedule.weekday]
            ),
        ),
        InputBlock(
            block_id=DigestField.time,
            label=_("Time"),
            element=TimePickerElement(
                action_id="value", initial_time=f"{schedule.at.hour:02d}:{schedule.at.minute:02d}"
            ),
        ),
        InputBlock(
            block_id=DigestField.timezone,
            label=_("Time zone"),
            hint=_("An IANA name, such as Europe/Paris or America/New_York."),
            element=PlainTextInputElement(
                action_id="value", initial_value=schedule.timezone, max_length=64
            ),
        ),
        InputBlock(
            block_id=DigestField.enabled,
            label=_("Weekly digest"),
            element=RadioButtonsElement(
                action_id="value", options=[on, off], initial_option=on if enabled else off
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=DigestView.settings,
        title=_("Weekly digest"),
        submit=_("Save"),
        close=_("Cancel"),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def _form(values: dict[str, Any]) -> DigestForm:
    picked = ((values.get(DigestField.time) or {}).get("value") or {}).get("selected_time")
    return DigestForm(
        weekday=selected_value(values, DigestField.weekday) or "",
        time=str(picked or ""),
        timezone=text_value(values, DigestField.timezone) or "",
        enabled=selected_value(values, DigestField.enabled) or "",
    )


async def on_digest_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    metadata = services.seal.open(view.get("private_metadata"), DigestMetadata)
    if metadata is None or metadata.team_id != caller.workspace.team_id:
        await answer_submission(ack, {DigestField.weekday: EXPIRED}, caller)
        return
    checked = check_form(_form(view["state"]["values"]))
    if checked.errors or checked.schedule is None:
        await answer_submission(ack, checked.errors, caller)
        return
    channel_id = metadata.channel_id
    if checked.enabled:
        facts = await slack_facts.channel_facts(client, channel_id)
        if facts.externally_shared:
            terms = await services.core.read(
                usecases.watch_terms, ws=caller.workspace, channel_id=channel_id
            )
            if terms is None or terms.alert_channel_id is None:
                await answer_submission(ack, {DigestField.enabled: SHARED}, caller)
                return
    await ack()
    _ = await caller.translator()
    if checked.enabled:
        setting = await services.core.run(
            usecases.set_digest,
            ws=caller.workspace,
            channel_id=channel_id,
            schedule=checked.schedule,
            user_id=caller.user_id,
            now=caller.now,
        )
        text = _(
            "Done: this channel's digest will be posted {when}, first on {next}.",
            when=when_posted(checked.schedule, _),
            next=when(setting.next_due_at),
        )
    else:
        await services.core.run(
            usecases.turn_off_digest,
            ws=caller.workspace,
            channel_id=channel_id,
            user_id=caller.user_id,
            now=caller.now,
        )
        text = _("The weekly digest of this channel is off. Turn it back on with a schedule.")
    await client.chat_postEphemeral(channel=channel_id, user=caller.user_id, text=text)
