"""The `/journey help` message."""

from __future__ import annotations

import json
from functools import lru_cache

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject

from bot.commands import CommandCatalog, Subcommand
from bot.i18n import Translator
from handlers.ids import HelpBlock

SECTION_LIMIT = 3000  # characters of mrkdwn per section block


def _line(command: str, subcommand: Subcommand, _: Translator) -> str:
    usage = subcommand.usage.get(_.locale, subcommand.usage.get("en", ""))
    words = f"{command} {subcommand.name(_.locale)}" + (f" {usage}" if usage else "")
    return f"`{words}` — {_(subcommand.description)}"


def intro_text(_: Translator) -> str:
    """What journeybot is and the next step: the first thing a newcomer reads."""
    return _(
        "journeybot helps your team hear what annoys clients and fix it. "
        "*To start:* react with :rage: to a client message to report an irritant, "
        "then list and triage them with `/journey irritants`."
    )


def help_text(command: str, catalog: CommandCatalog, _: Translator) -> str:
    """The plain-text fallback (notifications, screen readers)."""
    return "\n".join(_line(command, subcommand, _) for subcommand in catalog)


def help_blocks(
    command: str, catalog: CommandCatalog, _: Translator, *, intro: str | None = None
) -> list[Block]:
    lines = [_line(command, subcommand, _) for subcommand in catalog]
    blocks: list[Block] = [
        HeaderBlock(block_id=HelpBlock.header, text=PlainTextObject(text=_("journeybot commands")))
    ]
    blocks.append(
        SectionBlock(block_id="help-intro", text=MarkdownTextObject(text=intro or intro_text(_)))
    )
    # Split the list over several sections so a long catalog never breaks the 3000 limit.
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > SECTION_LIMIT:
            blocks.append(_section(len(blocks), chunk))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section(len(blocks), chunk))
    blocks.append(
        ContextBlock(
            block_id=HelpBlock.footer,
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Subcommands also answer to their English and French names "
                        "(for example `help` or `aide`)."
                    )
                )
            ],
        )
    )
    return blocks


def _section(index: int, lines: list[str]) -> SectionBlock:
    block_id = HelpBlock.list if index == 1 else f"{HelpBlock.list}-{index}"
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text="\n".join(lines)))


@lru_cache(maxsize=64)
def help_answer(command: str, catalog: CommandCatalog, locale: str) -> str:
    """The whole ephemeral answer to `/journey help`, serialized once per command and language.

    `/journey help` is the hottest path of the bot: building the blocks and serializing four
    kilobytes of them on each call cost a third of its time, and the answer never changes
    while the process runs.
    """
    _ = Translator(locale)
    blocks = [block.to_dict() for block in help_blocks(command, catalog, _)]
    text = intro_text(_) + "\n" + help_text(command, catalog, _)
    return json.dumps({"text": text, "blocks": blocks, "response_type": "ephemeral"})
