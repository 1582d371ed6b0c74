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
from handlers.blocks.help import help_text, intro_text
from handlers.blocks.irritants import card_title, reports
from handlers.blocks.text import clip, slack_date


def home_view(
    catalog: CommandCatalog, top: list[IrritantCard], open_total: int, _: Translator
) -> View:
    blocks: list[Block] = [
        HeaderBlock(block_id="home-header", text=PlainTextObject(text="journeybot")),
        SectionBlock(block_id="home-intro", text=MarkdownTextObject(text=intro_text(_))),
        HeaderBlock(block_id="home-irritants", text=PlainTextObject(text=_("Open irritants"))),
    ]
    if not top:
        blocks.append(
            SectionBlock(
                block_id="home-irritants-empty",
                text=MarkdownTextObject(
                    text=_(
                        "No open irritant in your channels. React to a client message with "
                        ":rage: (or use the *Report an irritant* message shortcut) to report one."
                    )
                ),
            )
        )
    for position, card in enumerate(top, start=1):
        title = card_title(card.text, card.channel_id, _)
        if card.permalink:
            title = f"<{card.permalink}|{title.replace('|', '/')}>"
        facts = " · ".join(
            [
                reports(card.reporters, _),
                f"<#{card.channel_id}>",
                _("last reported {date}", date=slack_date(card.reported_at)),
            ]
        )
        blocks.append(
            SectionBlock(
                block_id=f"home-irritant-{card.id}",
                text=MarkdownTextObject(text=clip(f"*{position}. {title}*\n{facts}", 3000)),
            )
        )
    if open_total > len(top):
        more = _.ngettext(
            "{count} open irritant in all: `/journey irritants` lists them with buttons to "
            "triage them.",
            "{count} open irritants in all: `/journey irritants` lists them with buttons to "
            "triage them.",
            open_total,
        )
        blocks.append(ContextBlock(block_id="home-more", elements=[MarkdownTextObject(text=more)]))
    blocks += [
        DividerBlock(block_id="home-divider"),
        HeaderBlock(block_id="home-commands-header", text=PlainTextObject(text=_("Commands"))),
        SectionBlock(
            block_id="home-commands",
            text=MarkdownTextObject(text=clip(help_text("/journey", catalog, _), 3000)),
        ),
    ]
    return View(type="home", blocks=blocks)
