"""`/journey watch`, `/journey watch status`, `/journey unwatch`, the watch form, and the
`user_change` event that keeps members' time zones fresh.

Only members of a channel may set or end its watch. The modal carries the channel in sealed
`private_metadata` (with the workspace it was opened in), so a forged or foreign form is
refused; every Slack check (membership, Slack Connect, the team channel) is done again when
the form is submitted.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel
from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DomainError
from bot.i18n import N_, Translator
from bot.promises import usecases
from bot.promises.at_work import who_is_at_work
from bot.promises.commands import STATUS_WORDS
from bot.promises.rules import (
    Field,
    FieldError,
    WatchForm,
    WatchSetup,
    WatchTeam,
    alert_refusal,
    from_one_liner,
    promise_text,
    validate_form,
)
from bot.tenancy import Workspace
from bot.watch_syntax import WatchSyntaxError, parse_watch
from handlers.caller import Caller
from handlers.commands.journey import CommandCall
from handlers.forms import selected_value, text_value
from handlers.promises import slack_facts
from handlers.promises.blocks import watch_blocks
from handlers.promises.modal import watch_modal
from handlers.slack_services import SlackServices

MEMBERS_ONLY = N_("Only members of this channel can change its watch.")
NO_WATCH = N_("This channel has no watch. Set one with `/journey watch`.")
EXPIRED = N_("This form is out of date; close it and open it again.")
CANT_SEE = N_("I can't see this channel: invite me to it first, then try again.")


class WatchMetadata(BaseModel):
    """Sealed in the form: the workspace and channel it was opened for."""

    team_id: str
    channel_id: str


# --- the command ---------------------------------------------------------------------------


async def watch_command(call: CommandCall) -> None:
    rest = call.parsed.rest
    if not rest:
        await _open_form(call)
    elif rest.split()[0].casefold() in STATUS_WORDS:
        await _status(call)
    else:
        await _one_liner(call, rest)


async def _open_form(call: CommandCall) -> None:
    # Ack at once, then one database read, then views.open: inside the trigger's 3 seconds.
    await call.ack()
    current = await call.core.read(
        usecases.watch_status, ws=call.workspace, channel_id=call.channel_id
    )
    metadata = WatchMetadata(team_id=call.workspace.team_id, channel_id=call.channel_id)
    timezone = call.services.locales.timezone(call.workspace.team_id, call.user_id)
    view = watch_modal(
        private_metadata=call.services.seal.seal(metadata),
        current=current.setup if current else None,
        timezone=timezone,
        _=call.translator,
    )
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


async def _one_liner(call: CommandCall, rest: str) -> None:
    _ = call.translator
    try:
        command = parse_watch(rest)
        setup = from_one_liner(
            command, timezone=call.services.locales.timezone(call.workspace.team_id, call.user_id)
        )
    except (WatchSyntaxError, FieldError) as error:
        # Nothing to look up in Slack: the refusal is the command's own answer.
        await call.ack(text=_(error.message, **error.values), response_type="ephemeral")
        return
    await call.ack()
    refusal = await _slack_refusal(
        call.client, call.workspace, call.channel_id, call.user_id, setup
    )
    if refusal is not None:
        await call.respond(text=_(refusal.message, **refusal.values), response_type="ephemeral")
        return
    try:
        result = await call.core.run(
            usecases.set_watch,
            ws=call.workspace,
            channel_id=call.channel_id,
            setup=setup,
            actor_id=call.user_id,
            now=call.caller.now,
        )
    except DomainError as error:
        await call.respond(text=_(error.message), response_type="ephemeral")
        return
    await _confirm(call, result, _)


async def _status(call: CommandCall) -> None:
    _ = call.translator
    await call.ack()
    card = await call.core.read(
        usecases.watch_status, ws=call.workspace, channel_id=call.channel_id
    )
    if card is None:
        await call.respond(text=_(NO_WATCH), response_type="ephemeral")
        return
    at_work = await _at_work(call, card.setup)
    blocks = watch_blocks(card, at_work=at_work, _=_)
    text = promise_text(card.text, card.setup.window, _)
    await call.respond(text=text, blocks=blocks, response_type="ephemeral")


async def unwatch_command(call: CommandCall) -> None:
    _ = call.translator
    await call.ack()
    if not await slack_facts.is_channel_member(call.client, call.channel_id, call.user_id):
        await call.respond(text=_(MEMBERS_ONLY), response_type="ephemeral")
        return
    ended = await call.core.run(
        usecases.unwatch,
        ws=call.workspace,
        channel_id=call.channel_id,
        actor_id=call.user_id,
        now=call.caller.now,
    )
    if ended is None:
        await call.respond(text=_(NO_WATCH), response_type="ephemeral")
        return
    await call.respond(
        text=_(
            "This channel is no longer watched. “{promise}” stays in its history.",
            promise=promise_text(ended.text, ended.setup.window, _),
        ),
        response_type="ephemeral",
    )


# --- the form ------------------------------------------------------------------------------


def _form(values: dict[str, Any]) -> WatchForm:
    def checked(block_id: str) -> tuple[str, ...]:
        chosen = ((values.get(block_id) or {}).get("value") or {}).get("selected_options") or []
        return tuple(str(option.get("value", "")) for option in chosen if isinstance(option, dict))

    def picked(block_id: str, key: str) -> Any:
        return ((values.get(block_id) or {}).get("value") or {}).get(key)

    people = picked(Field.team_people, "selected_users") or []
    return WatchForm(
        text=text_value(values, Field.text) or "",
        window=text_value(values, Field.window) or "",
        business=bool(checked(Field.business)),
        timezone=text_value(values, Field.timezone) or "",
        weekdays=checked(Field.weekdays),
        opens=str(picked(Field.opens, "selected_time") or ""),
        closes=str(picked(Field.closes, "selected_time") or ""),
        holidays=text_value(values, Field.holidays) or "",
        team_kind=selected_value(values, Field.team_kind) or "",
        team_people=tuple(str(user) for user in people if isinstance(user, str)),
        team_group=text_value(values, Field.team_group) or "",
        nudge=text_value(values, Field.nudge) or "",
        reactions=text_value(values, Field.reactions) or "",
        alerts=selected_value(values, Field.alerts) or "",
        alert_channel=str(picked(Field.alert_channel, "selected_conversation") or ""),
    )


async def on_watch_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    client: AsyncWebClient,
    services: SlackServices,
    caller: Caller,
) -> None:
    _ = await caller.translator()
    metadata = services.seal.open(view.get("private_metadata"), WatchMetadata)
    if metadata is None or metadata.team_id != caller.workspace.team_id:
        await _errors(ack, [FieldError(EXPIRED, Field.window)], _)
        return
    setup, errors = validate_form(_form(view["state"]["values"]))
    if setup is None:
        await _errors(ack, errors, _)
        return
    refusal = await _slack_refusal(
        client, caller.workspace, metadata.channel_id, caller.user_id, setup
    )
    if refusal is not None:
        await _errors(ack, [refusal], _)
        return
    try:
        result = await services.core.run(
            usecases.set_watch,
            ws=caller.workspace,
            channel_id=metadata.channel_id,
            setup=setup,
            actor_id=caller.user_id,
            now=caller.now,
        )
    except DomainError as error:
        await _errors(ack, [FieldError(error.message, Field.window)], _)
        return
    await ack()
    await client.chat_postEphemeral(
        channel=metadata.channel_id,
        user=caller.user_id,
        text=_confirmation(result, _),
        blocks=watch_blocks(result.card, at_work=None, _=_, notice=_confirmation(result, _)),
    )


async def _errors(ack: AsyncAck, errors: list[FieldError], _: Translator) -> None:
    shown: dict[str, str] = {}
    for error in errors:
        shown.setdefault(error.field, _(error.message, **error.values))
    await ack(response_action="errors", errors=shown)


# --- shared --------------------------------------------------------------------------------


async def _slack_refusal(
    client: AsyncWebClient, ws: Workspace, channel_id: str, user_id: str, setup: WatchSetup
) -> FieldError | None:
    """What Slack's facts forbid: not a member, an unseen channel, or alerts in the wrong place."""
    channel = await slack_facts.channel_facts(client, channel_id)
    if not channel.found:
        return FieldError(CANT_SEE, Field.window)
    if not await slack_facts.is_channel_member(client, channel_id, user_id):
        return FieldError(MEMBERS_ONLY, Field.window)
    alert_channel = (
        await slack_facts.channel_facts(client, setup.alert_channel_id)
        if setup.alert_channel_id
        else None
    )
    return alert_refusal(setup, channel_id=channel_id, channel=channel, alert_channel=alert_channel)


def _confirmation(result: usecases.SetWatchResult, _: Translator) -> str:
    if result.created:
        shown = promise_text(result.card.text, result.card.setup.window, _)
        return _("This channel is now watched: “{promise}”.", promise=shown)
    if not result.changed:
        return _(
            "Nothing changed: the watch stays at version {version}.", version=result.card.version
        )
    return _(
        "The watch changed: version {version} applies to requests from now on.",
        version=result.card.version,
    )


async def _confirm(call: CommandCall, result: usecases.SetWatchResult, _: Translator) -> None:
    notice = _confirmation(result, _)
    blocks = watch_blocks(result.card, at_work=None, _=_, notice=notice)
    await call.respond(text=notice, blocks=blocks, response_type="ephemeral")


async def _at_work(call: CommandCall, setup: WatchSetup) -> list[str] | None:
    """Who would be nudged now; None when the team is a user group (not listed here)."""
    if setup.team.kind == WatchTeam.user_group:
        return None
    if setup.team.kind == WatchTeam.named_users:
        team = list(setup.team.user_ids)
    else:
        members = await slack_facts.channel_members(call.client, call.channel_id)
        bot_user = call.context.bot_user_id
        team = [user for user in members or [] if user != bot_user]
    team = team[: slack_facts.MAX_LOOKUPS]
    timezones = await call.core.read(usecases.cached_timezones, ws=call.workspace, user_ids=team)
    missing = [user_id for user_id in team if user_id not in timezones]
    answers = await asyncio.gather(
        *(slack_facts.user_timezone(call.client, user_id) for user_id in missing)
    )
    learned = {
        user_id: timezone
        for user_id, (answered, timezone) in zip(missing, answers, strict=True)
        if answered
    }
    if learned:
        await call.core.run(
            usecases.remember_timezones, ws=call.workspace, timezones=learned, now=call.caller.now
        )
        timezones.update(learned)
    dnd = await slack_facts.dnd_statuses(call.client, team)
    return who_is_at_work(call.caller.now, team, timezones=timezones, dnd=dnd, hours=setup.hours)


# --- events --------------------------------------------------------------------------------


async def on_user_change(event: dict[str, Any], services: SlackServices, caller: Caller) -> None:
    """A profile changed: keep the member's Slack time zone fresh (never `tz_offset`)."""
    user = event.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return
    if user.get("team_id") not in (None, caller.workspace.team_id):
        return  # a Slack Connect partner's person: their profile is not ours to keep
    timezone = user.get("tz")
    await services.core.run(
        usecases.remember_timezones,
        ws=caller.workspace,
        timezones={user["id"]: timezone if isinstance(timezone, str) and timezone else None},
        now=caller.now,
    )
