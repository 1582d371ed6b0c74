"""The App Home tab: what journeybot does, and the irritants that matter most right now."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject
from slack_sdk.models.views import View

from bot.commands import CommandCatalog
from bot.i18n import Translator
from bot.irritants.usecases import IrritantCard
from handlers.blocks.help import help_text
from handlers.blocks.irritants import excerpt
from handlers.blocks.text import clip


def home_view(
    catalog: CommandCatalog, top: list[IrritantCard], open_total: int, _: Translator
) -> View:
    blocks: list[Block] = [
        HeaderBlock(block_id="home-header", text=PlainTextObject(text="journeybot")),
        SectionBlock(
            block_id="home-commands",
            text=MarkdownTextObject(text=clip(help_text("/journey", catalog, _), 3000)),
        ),
        DividerBlock(block_id="home-divider"),
        HeaderBlock(block_id="home-irritants", text=PlainTextObject(text=_("Open irritants"))),
    ]
    if not top:
        blocks.append(
            SectionBlock(
                block_id="home-irritants-empty",
                text=MarkdownTextObject(
                    text=_(
                        "Nothing here yet. React to a client message with :rage: "
                        "(or use the message shortcut) to report an irritant."
                    )
                ),
            )
        )
    for card in top:
        facts = _("{count} reporter(s)", count=card.reporters) + f" · <#{card.channel_id}>"
        blocks.append(
            SectionBlock(
                block_id=f"home-irritant-{card.id}",
                text=MarkdownTextObject(
                    text=clip(
                        f"*#{card.id}* · {facts}\n" + excerpt(card.text, card.text_status, _), 3000
                    )
                ),
            )
        )
    if open_total > len(top):
        blocks.append(
            ContextBlock(
                block_id="home-more",
                elements=[
                    MarkdownTextObject(
                        text=_("{total} irritant(s)", total=open_total) + " · `/journey irritants`"
                    )
                ],
            )
        )
    return View(type="home", blocks=blocks)
