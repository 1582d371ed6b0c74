"""`/journey export irritants csv|json|md`: a file uploaded where it was asked for."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.i18n import N_
from bot.irritants import exports
from handlers.commands.journey import CommandCall
from handlers.journeys.show import export_command as journey_export
from handlers.watcher import export as export_requests

WHAT_WORDS = {"irritants": "irritants", "irritant": "irritants"}
# Words that name another feature's export, never an exercise.
OTHER_WORDS = {"requests", "request", "demandes"}
FORMAT_WORDS = {"csv": "csv", "json": "json", "md": "md", "markdown": "md"}
# Where the bot can't post, it sends the file to the person instead.
FALLBACK_ERRORS = ("not_in_channel", "channel_not_found", "is_archived")


async def export_command(call: CommandCall) -> None:
    _ = call.translator
    args = [word.casefold() for word in call.parsed.args]
    if args and args[0] in export_requests.WHAT_WORDS:  # the promise watcher's requests
        await export_requests.export_requests(call)
        return
    what = WHAT_WORDS.get(args[0]) if args else None
    if what is None and (not args or args[0] not in OTHER_WORDS):
        # Anything else names a journey exercise (or nothing: the channel's latest).
        await journey_export(call)
        return
    fmt = FORMAT_WORDS.get(args[1]) if len(args) > 1 else "csv" if what else None
    if what is None or fmt is None:
        await call.ack(
            text=_(
                "Usage: `{command} export irritants csv|json|md`",
                command=call.body.get("command") or "/journey",
            ),
            response_type="ephemeral",
        )
        return
    await call.ack(text=_("Preparing your export…"), response_type="ephemeral")
    export = await call.core.read(
        exports.export_irritants, ws=call.workspace, fmt=fmt, now=call.caller.now
    )
    comment = _("Here is the irritants export you asked for.")
    try:
        await call.client.files_upload_v2(
            channel=call.channel_id,
            filename=export.filename,
            title=export.title,
            content=export.content,
            initial_comment=comment,
        )
    except SlackApiError as error:
        if error.response.get("error") not in FALLBACK_ERRORS:
            raise
        opened = await call.client.conversations_open(users=call.user_id)
        await call.client.files_upload_v2(
            channel=opened["channel"]["id"],
            filename=export.filename,
            title=export.title,
            content=export.content,
            initial_comment=comment,
        )
        await call.respond(
            text=_(
                N_("I can't post in this channel, so I sent the file to you in a direct message.")
            ),
            response_type="ephemeral",
        )
