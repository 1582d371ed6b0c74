"""`/journey <subcommand> …`: parse, answer help and unknown words, route the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import CommandCatalog, ParsedCommand
from bot.core import Core
from bot.i18n import Translator
from bot.tenancy import Workspace
from handlers.blocks.help import help_answer, help_blocks
from handlers.caller import Caller
from handlers.slack_services import SlackServices


@dataclass
class CommandCall:
    """One `/journey` invocation, parsed, with what a subcommand handler needs."""

    body: dict[str, Any]
    parsed: ParsedCommand
    translator: Translator
    caller: Caller
    services: SlackServices
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient
    context: AsyncBoltContext

    @property
    def core(self) -> Core:
        return self.services.core

    @property
    def workspace(self) -> Workspace:
        return self.caller.workspace

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))


SubcommandHandler = Callable[[CommandCall], Awaitable[None]]


def journey_listener(
    handlers: Mapping[str, SubcommandHandler],
) -> Callable[..., Awaitable[None]]:
    """The `/journey` listener, routing to the features' subcommand handlers by key."""

    async def handle_journey(
        ack: AsyncAck,
        body: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
        services: SlackServices,
        caller: Caller,
    ) -> None:
        catalog = services.core.features.catalog
        parsed = catalog.parse(str(body.get("text", "")))
        # Help and unknown words answer inside the ack, in the person's language: the
        # locale is cached, and the help text is rendered once per language.
        _ = await caller.translator()
        command = str(body.get("command") or "/journey")
        if parsed.subcommand is None:
            await _answer_unknown(ack, command, parsed.word, catalog, _)
            return
        handler = handlers.get(parsed.subcommand.key)
        if handler is None:  # help, and anything whose feature registered no handler
            # The answer Bolt's `ack(text=…, blocks=…)` would build, already serialized.
            ack.response = BoltResponse(status=200, body=help_answer(command, catalog, _.locale))
            return
        call = CommandCall(body, parsed, _, caller, services, ack, respond, client, context)
        await handler(call)

    return handle_journey


async def _answer_unknown(
    ack: AsyncAck, command: str, word: str, catalog: CommandCatalog, _: Translator
) -> None:
    guess = catalog.suggest(word)
    if guess is not None:
        intro = _(
            "I don't know `{word}`. Did you mean `{command} {guess}`? Here is what I can do:",
            word=word[:50],
            command=command,
            guess=guess.name(_.locale),
        )
    else:
        intro = _("I don't know `{word}`. Here is what I can do:", word=word[:50])
    blocks = help_blocks(command, catalog, _, intro=intro)
    await ack(text=intro, blocks=blocks, response_type="ephemeral")
