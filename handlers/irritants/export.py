"""`/journey export irritants csv|json|md`: the file goes to the person's DM, never the channel.

Client channels hold clients (Slack Connect) and guests: a file someone asked for is theirs.
The export holds only the irritants of channels the person is a member of.
"""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import N_
from bot.irritants import exports
from handlers.commands.journey import CommandCall
from handlers.irritants.readers import irritant_reader
from handlers.journeys.show import export_command as journey_export
from handlers.watcher import export as export_requests

WHAT_WORDS = {"irritants": "irritants", "irritant": "irritants"}
# Words that name another feature's export, never an exercise.
OTHER_WORDS = {"requests", "request", "demandes"}
FORMAT_WORDS = {"csv": "csv", "json": "json", "md": "md", "markdown": "md"}
SENT = N_("I sent the export to you in a direct message.")
MAX_NAMES = 500  # people named in one file; beyond that, ids alone
PARALLEL_LOOKUPS = 8


async def display_names(client: AsyncWebClient, user_ids: list[str]) -> dict[str, str]:
    """Display names for a file (`users.info`), so people read names, not U… ids."""
    limit = asyncio.Semaphore(PARALLEL_LOOKUPS)

    async def one(user_id: str) -> tuple[str, str | None]:
        async with limit:
            try:
                response = await client.users_info(user=user_id)
            except SlackApiError:
                return user_id, None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        return user_id, str(name) if name else None

    found = await asyncio.gather(*(one(user_id) for user_id in user_ids[:MAX_NAMES]))
    return {user_id: name for user_id, name in found if name}


async def export_command(call: CommandCall) -> None:
    _ = call.translator
    args = [word.casefold() for word in call.parsed.args]
    if args and args[0] in export_requests.WHAT_WORDS:  # the promise watcher's requests
        await export_requests.export_requests(call)
        return
    command = call.body.get("command") or "/journey"
    what = WHAT_WORDS.get(args[0]) if args else None
    if what is None and (not args or args[0] not in OTHER_WORDS):
        # Anything else names a journey exercise (or nothing: the channel's latest).
        await journey_export(call)
        return
    fmt = FORMAT_WORDS.get(args[1]) if len(args) > 1 else "csv" if what else None
    if what is None:
        text = _(
            "I can export irritants. Syntax: `{command} {name} irritants csv|json|md`",
            command=command,
            name=call.parsed.subcommand.name(_.locale) if call.parsed.subcommand else "export",
        )
        await call.ack(text=text, response_type="ephemeral")
        return
    if fmt is None:
        await call.ack(
            text=_(
                "I can't export `{format}`: use csv, json or md.", format=call.parsed.args[1][:20]
            ),
            response_type="ephemeral",
        )
        return
    await call.ack(text=_("Preparing your export…"), response_type="ephemeral")
    audience = await irritant_reader(call.services, call.client, call.caller)
    records = await call.core.read(exports.irritant_records, ws=call.workspace, audience=audience)
    names = await display_names(call.client, exports.people_in(records))
    export = exports.render(
        records, ws=call.workspace, fmt=fmt, now=call.caller.now, names=names, _=_
    )
    opened = await call.client.conversations_open(users=call.user_id)
    await call.client.files_upload_v2(
        channel=opened["channel"]["id"],
        filename=export.filename,
        title=export.title,
        content=export.content,
        initial_comment=_("Here is the irritants export you asked for."),
    )
    await call.respond(text=_(SENT), response_type="ephemeral")
