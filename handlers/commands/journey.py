"""`/journey <subcommand> …`: parse, answer help and unknown words, route the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import ParsedCommand
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.blocks.help import help_blocks, rendered_help
from handlers.services import Services


@dataclass
class CommandCall:
    """One `/journey` invocation, parsed, with what a subcommand handler needs."""

    body: dict[str, Any]
    parsed: ParsedCommand
    translator: Translator
    services: Services
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient
    context: AsyncBoltContext

    @property
    def runtime(self) -> Runtime:
        return self.services.runtime

    @property
    def team_id(self) -> str:
        return str(self.context.team_id or self.body.get("team_id") or "")

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))


SubcommandHandler = Callable[[CommandCall], Awaitable[None]]
# Features add their subcommand handlers here at registration (key -> handler).
SUBCOMMAND_HANDLERS: dict[str, SubcommandHandler] = {}


async def handle_journey(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
    services: Services,
) -> None:
    runtime = services.runtime
    parsed = runtime.catalog.parse(str(body.get("text", "")))
    _ = await services.translator(client, context.team_id, body.get("user_id"))
    command = str(body.get("command") or "/journey")
    if parsed.subcommand is None:
        await _answer_unknown(ack, command, parsed.word, runtime, _)
        return
    handler = SUBCOMMAND_HANDLERS.get(parsed.subcommand.key)
    if handler is None:  # help, and anything whose feature registered no handler
        text, blocks = rendered_help(command, runtime.catalog, _)
        await ack(text=text, blocks=blocks, response_type="ephemeral")
        return
    call = CommandCall(body, parsed, _, services, ack, respond, client, context)
    await handler(call)


async def _answer_unknown(
    ack: AsyncAck, command: str, word: str, runtime: Runtime, _: Translator
) -> None:
    guess = runtime.catalog.suggest(word)
    if guess is not None:
        intro = _(
            "I don't know `{word}`. Did you mean `{command} {guess}`? Here is what I can do:",
            word=word[:50],
            command=command,
            guess=guess.name(_.locale),
        )
    else:
        intro = _("I don't know `{word}`. Here is what I can do:", word=word[:50])
    blocks = help_blocks(command, runtime.catalog, _, intro=intro)
    await ack(text=intro, blocks=blocks, response_type="ephemeral")
