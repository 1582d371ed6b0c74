"""`/journey digest`: when this channel's weekly digest is posted, a preview, or off.

`/journey digest monday 09:00 Europe/Paris` (or `lundi 9h`) sets the schedule in one line;
without arguments it opens a form (day, time, time zone, on or off); `status` says how the
channel's digest stands. A digest never goes into a channel shared with another
organisation: there it needs a watch whose alerts go to a team channel, and the digest
follows them.
"""

from __future__ import annotations

from bot.channel_locale import channel_locale
from bot.digests import usecases
from bot.digests.commands import OFF_WORDS, PREVIEW_WORDS, STATUS_WORDS
from bot.digests.schedule import DEFAULT_TIME, DEFAULT_WEEKDAY, DigestSchedule, parse_schedule
from bot.errors import DomainError
from bot.i18n import Translator
from handlers.commands.journey import CommandCall
from handlers.digests.blocks import digest_blocks
from handlers.digests.modal import DigestMetadata, digest_modal
from handlers.digests.texts import SHARED, USAGE, when_posted
from handlers.promises import slack_facts
from handlers.promises.blocks import when


async def digest_command(call: CommandCall) -> None:
    words = call.parsed.rest.split()
    first = words[0].casefold() if words else ""
    if not words:
        await _open_form(call)
    elif first in STATUS_WORDS:
        await _status(call)
    elif first in PREVIEW_WORDS:
        await _preview(call)
    elif first in OFF_WORDS:
        await _off(call)
    else:
        await _set(call, call.parsed.rest)


async def _default_timezone(call: CommandCall) -> str:
    watched = await call.core.read(
        usecases.watch_timezone, ws=call.workspace, channel_id=call.channel_id
    )
    if watched:
        return watched
    spoken = await call.core.read(channel_locale, ws=call.workspace, channel_id=call.channel_id)
    if spoken.source != "default":
        return spoken.time_zone
    return call.services.locales.timezone(call.workspace.team_id, call.user_id) or "UTC"


def _status_text(setting: usecases.DigestSetting | None, _: Translator) -> str:
    if setting is None or not setting.enabled:
        return _("This channel has no weekly digest.") + " " + _(USAGE)
    return _(
        "This channel's digest is posted {when}. Next one: {next}. "
        "`/journey digest preview` shows it now; `/journey digest off` stops it.",
        when=when_posted(setting.schedule, _),
        next=when(setting.next_due_at),
    )


async def _open_form(call: CommandCall) -> None:
    # Ack at once, then the reads, then views.open: inside the trigger's 3 seconds.
    await call.ack()
    _ = call.translator
    setting = await call.core.read(
        usecases.digest_setting, ws=call.workspace, channel_id=call.channel_id
    )
    schedule = (
        setting.schedule
        if setting is not None
        else DigestSchedule(DEFAULT_WEEKDAY, DEFAULT_TIME, await _default_timezone(call))
    )
    metadata = DigestMetadata(team_id=call.workspace.team_id, channel_id=call.channel_id)
    view = digest_modal(
        private_metadata=call.services.seal.seal(metadata),
        schedule=schedule,
        enabled=setting is None or setting.enabled,
        status=_status_text(setting, _),
        _=_,
    )
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


async def _status(call: CommandCall) -> None:
    _ = call.translator
    await call.ack()
    setting = await call.core.read(
        usecases.digest_setting, ws=call.workspace, channel_id=call.channel_id
    )
    await call.respond(text=_status_text(setting, _), response_type="ephemeral")


async def _preview(call: CommandCall) -> None:
    _ = call.translator
    await call.ack(text=_("Preparing the preview…"), response_type="ephemeral")
    setting = await call.core.read(
        usecases.digest_setting, ws=call.workspace, channel_id=call.channel_id
    )
    schedule = (
        setting.schedule
        if setting is not None
        else DigestSchedule(DEFAULT_WEEKDAY, DEFAULT_TIME, await _default_timezone(call))
    )
    content = await call.core.read(
        usecases.preview_content,
        ws=call.workspace,
        channel_id=call.channel_id,
        schedule=schedule,
        now=call.caller.now,
    )
    text, blocks = digest_blocks(content, _)
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def _off(call: CommandCall) -> None:
    _ = call.translator
    await call.ack()
    stopped = await call.core.run(
        usecases.turn_off_digest,
        ws=call.workspace,
        channel_id=call.channel_id,
        user_id=call.user_id,
        now=call.caller.now,
    )
    text = (
        _("The weekly digest of this channel is off. Turn it back on with a schedule.")
        if stopped
        else _("This channel has no weekly digest running.")
    )
    await call.respond(text=text, response_type="ephemeral")


async def _set(call: CommandCall, rest: str) -> None:
    _ = call.translator
    try:
        schedule = parse_schedule(rest, await _default_timezone(call))
    except DomainError as error:
        await call.ack(text=_(error.message), response_type="ephemeral")
        return
    await call.ack()
    facts = await slack_facts.channel_facts(call.client, call.channel_id)
    if facts.externally_shared:
        terms = await call.core.read(
            usecases.watch_terms, ws=call.workspace, channel_id=call.channel_id
        )
        if terms is None or terms.alert_channel_id is None:
            await call.respond(text=_(SHARED), response_type="ephemeral")
            return
    setting = await call.core.run(
        usecases.set_digest,
        ws=call.workspace,
        channel_id=call.channel_id,
        schedule=schedule,
        user_id=call.user_id,
        now=call.caller.now,
    )
    await call.respond(
        text=_(
            "Done: this channel's digest will be posted {when}, first on {next}.",
            when=when_posted(schedule, _),
            next=when(setting.next_due_at),
        ),
        response_type="ephemeral",
    )
