"""The report confirmation, built as JSON from cached texts, is what the Block Kit models gave.

The relay sends one for every new report, so it is no longer built with slack_sdk's models;
this checks, for all inputs, that Slack receives exactly what the models' `to_dict` made.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import Translator
from handlers.blocks.irritants import confirmation_blocks
from handlers.blocks.text import clip, slack_quote
from handlers.ids import IrritantAction


def _with_models(
    irritant_id: int, reporters: int, channel_id: str, text: str | None, _: Translator, invite: bool
) -> list[dict[str, Any]]:
    """The confirmation as it was built before, with the Block Kit models."""
    this = "this message" if text else "a message"
    count = _.ngettext(
        f"Thanks! You reported {this} in <#{{channel}}> as an irritant ({{count}} report so far).",
        f"Thanks! You reported {this} in <#{{channel}}> as an irritant ({{count}} reports so far).",
        reporters,
        channel=channel_id,
    )
    lines = [count, *([slack_quote(text, 280)] if text else [])]
    blocks: list[Block] = [
        SectionBlock(block_id="confirm", text=MarkdownTextObject(text=clip("\n".join(lines), 3000)))
    ]
    if invite:
        blocks.append(
            SectionBlock(
                block_id="confirm-invite",
                text=MarkdownTextObject(
                    text=_(
                        "I'm not in <#{channel}>, so I can't read the message. Invite me with "
                        "`/invite @journeybot` in the channel to get its text.",
                        channel=channel_id,
                    )
                ),
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="confirm-actions",
            elements=[
                ButtonElement(
                    text=_("Add details"),
                    action_id=IrritantAction.details,
                    value=str(irritant_id),
                    style="primary",
                ),
                ButtonElement(
                    text=_("Undo"), action_id=IrritantAction.undo, value=str(irritant_id)
                ),
            ],
        )
    )
    return [block.to_dict() for block in blocks]


@settings(max_examples=300)
@given(
    irritant_id=st.integers(min_value=1, max_value=10**12),
    reporters=st.integers(min_value=0, max_value=3),
    channel_id=st.sampled_from(["C1", "C0BENCH", "CSHARED9"]),
    text=st.none() | st.text(max_size=400),
    locale=st.sampled_from(["en", "fr"]),
    invite=st.booleans(),
)
def test_confirmation_is_what_the_block_kit_models_built(
    irritant_id: int,
    reporters: int,
    channel_id: str,
    text: str | None,
    locale: str,
    invite: bool,
) -> None:
    # Twice: the second build comes from the cached texts.
    for _attempt in range(2):
        _ = Translator(locale)
        built = confirmation_blocks(irritant_id, reporters, channel_id, text, _, invite=invite)
        assert built == _with_models(irritant_id, reporters, channel_id, text, _, invite)
