"""`/journey export requests csv|json`: the channel's requests, sent to the asker's DM.

Only members of the channel get its requests (a request is a message they can read there).
"""

from __future__ import annotations

from bot.watcher import exports
from handlers.commands.journey import CommandCall
from handlers.promises.slack_facts import is_channel_member

WHAT_WORDS = frozenset({"requests", "request", "demandes", "demande"})
FORMAT_WORDS = {"csv": "csv", "json": "json"}


async def export_requests(call: CommandCall) -> None:
    _ = call.translator
    args = [word.casefold() for word in call.parsed.args]
    fmt = FORMAT_WORDS.get(args[1]) if len(args) > 1 else "csv"
    if fmt is None:
        await call.ack(
            text=_("I can't export requests as `{format}`: use csv or json.", format=args[1][:20]),
            response_type="ephemeral",
        )
        return
    await call.ack(text=_("Preparing your export…"), response_type="ephemeral")
    if not await is_channel_member(call.client, call.channel_id, call.user_id):
        await call.respond(
            text=_(
                "Only members of <#{channel}> can export its requests.", channel=call.channel_id
            ),
            response_type="ephemeral",
        )
        return
    export = await call.core.read(
        exports.export_requests,
        ws=call.workspace,
        channel_id=call.channel_id,
        fmt=fmt,
        now=call.caller.now,
    )
    opened = await call.client.conversations_open(users=call.user_id)
    await call.client.files_upload_v2(
        channel=opened["channel"]["id"],
        filename=export.filename,
        title=export.title,
        content=export.content,
        initial_comment=_(
            "Here are the requests of <#{channel}> you asked for.", channel=call.channel_id
        ),
    )
