"""Journey messages in Block Kit: the exercise message, the list, the board, the ballot.

Dates are written as Slack date tokens, so each reader sees them in their own time zone.
Boards are cut into pages that respect Slack's limits (50 blocks a message, 100 a modal,
3,000 characters a section): whatever its size, a board never makes an `invalid_blocks`.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.i18n import Translator
from bot.journeys.board import PHASE_LABELS, TOUCHPOINT_LABELS, Board, Column, Moment, Phase
from bot.journeys.contribute import Ballot
from bot.journeys.usecases import ExerciseView
from bot.journeys.words import format_feeling, format_rate
from handlers.blocks.text import clip, escape
from handlers.ids import JourneyAction

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
SECTION_CHARS = 2900  # under Slack's 3,000, with room for a continuation mark
CARD_CHARS = 280  # a card longer than this is cut on the board; the exports have it whole
BALLOT_CARDS = 45  # two blocks a card, and the heading, inside a modal's 100
READ_OPTIONS = 100  # Slack's most options in one menu


def when(at: datetime, _: Translator) -> str:
    """A date Slack shows in the reader's own time zone (the fallback is UTC)."""
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def exercise_title(view: ExerciseView, _: Translator) -> str:
    return _("#{number} {task}", number=view.number, task=clip(view.task, 120))


def counts_line(view: ExerciseView, _: Translator) -> str:
    return " · ".join(
        (
            _.ngettext("{count} moment", "{count} moments", view.moments),
            _.ngettext("{count} card", "{count} cards", view.cards),
            _.ngettext("{count} vote", "{count} votes", view.votes),
        )
    )


def phase_line(view: ExerciseView, _: Translator) -> str:
    label = _(PHASE_LABELS[view.phase])
    deadline = view.deadline
    if deadline is None:
        return _("*Phase:* {phase}", phase=label)
    return _("*Phase:* {phase}, until {deadline}", phase=label, deadline=when(deadline, _))


def exercise_message(view: ExerciseView, _: Translator) -> list[Block]:
    persona = _(
        "*Seen by:* {name}, {line}",
        name=escape(view.persona.name),
        line=escape(view.persona.line),
    )
    blocks: list[Block] = [
        HeaderBlock(text=clip(_("Journey exercise {title}", title=exercise_title(view, _)), 150)),
        SectionBlock(text=MarkdownTextObject(text=persona)),
    ]
    if view.description:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=escape(clip(view.description, 2900))))
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text=phase_line(view, _)),
                MarkdownTextObject(text=counts_line(view, _)),
                MarkdownTextObject(text=_("Facilitator: <@{user}>", user=view.facilitator_id)),
            ]
        )
    )
    value = str(view.id)
    buttons: list[ButtonElement] = []
    if view.phase in (Phase.MOMENTS, Phase.COLUMNS):
        buttons.append(
            ButtonElement(action_id=JourneyAction.add_moment, text=_("Add a moment"), value=value)
        )
    if view.phase is Phase.COLUMNS:
        buttons += [
            ButtonElement(action_id=JourneyAction.add_card, text=_("Add a card"), value=value),
            ButtonElement(action_id=JourneyAction.cards, text=_("Edit cards"), value=value),
        ]
    if view.phase is Phase.VOTE:
        buttons.append(ButtonElement(action_id=JourneyAction.vote, text=_("Vote"), value=value))
    if view.phase is Phase.PROMISES:
        buttons.append(
            ButtonElement(action_id=JourneyAction.promise, text=_("Make a promise"), value=value)
        )
    buttons += [
        ButtonElement(action_id=JourneyAction.board, text=_("Board"), value=value),
        ButtonElement(action_id=JourneyAction.map, text=_("Map"), value=value),
    ]
    if view.phase is not Phase.CLOSED:
        buttons += [
            ButtonElement(action_id=JourneyAction.moments, text=_("Edit moments"), value=value),
            ButtonElement(
                action_id=JourneyAction.next_phase,
                text=_("Next phase"),
                value=f"{view.id}:{view.phase.value}",  # a double click moves it once
            ),
            ButtonElement(action_id=JourneyAction.hand_over, text=_("Hand over"), value=value),
        ]
    blocks.append(ActionsBlock(block_id=f"exercise-{view.id}", elements=buttons))
    return blocks


def list_blocks(views: list[ExerciseView], _: Translator) -> list[Block]:
    if not views:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=_(
                        "No journey exercise in this channel yet. Start one with `/journey new`."
                    )
                )
            )
        ]
    blocks: list[Block] = [HeaderBlock(text=_("Journey exercises in this channel"))]
    shown = views[: MESSAGE_BLOCKS - 2]
    for view in shown:
        text = "\n".join(
            (
                f"*{escape(exercise_title(view, _))}*",
                phase_line(view, _),
                counts_line(view, _),
            )
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if len(views) > len(shown):
        more = len(views) - len(shown)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=_.ngettext(
                            "…and {count} older exercise.", "…and {count} older exercises.", more
                        )
                    )
                ]
            )
        )
    return blocks


def _moment_heading(moment: Moment, _: Translator) -> str:
    parts = [f"*{moment.position}. {escape(moment.name)}*", _(TOUCHPOINT_LABELS[moment.touchpoint])]
    if moment.feeling.mean is not None:
        parts.append(
            _.ngettext(
                "feeling {mean} ({count} rating)",
                "feeling {mean} ({count} ratings)",
                moment.feeling.count,
                mean=format_feeling(moment.feeling.mean, _.locale),
            )
        )
    if moment.open_irritants:
        parts.append(
            _.ngettext(
                ":warning: {count} open irritant",
                ":warning: {count} open irritants",
                moment.open_irritants,
            )
        )
    if moment.kept_rate is not None:
        parts.append(_("Promises kept: {rate}", rate=format_rate(moment.kept_rate, _.locale)))
    text = " · ".join(parts)
    if moment.note:
        text += "\n_" + escape(clip(moment.note, 300)) + "_"
    return text


def _column_sections(moment: Moment, column: Column, _: Translator) -> list[Block]:
    label = _("*Today*") if column is Column.TODAY else _("*Tomorrow*")
    lines: list[str] = []
    for card in moment.tomorrow_by_votes() if column is Column.TOMORROW else moment.column(column):
        line = "• " + escape(clip(" ".join(card.text.split()), CARD_CHARS))
        if card.votes:
            line += " " + _.ngettext("({count} vote)", "({count} votes)", card.votes)
        if card.author_id:
            line += f" <@{card.author_id}>"
        lines.append(line)
    if not lines:
        lines = [_("_Nothing yet._")]
    sections: list[Block] = []
    chunk = label
    for line in lines:
        if len(chunk) + 1 + len(line) > SECTION_CHARS:
            sections.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = label + " " + _("(continued)")
        chunk += "\n" + line
    sections.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return sections


def _read_in_full(moment: Moment, exercise_id: int, _: Translator) -> list[Block]:
    """A menu of the moment's cards the board cut, each opening its whole text."""
    long_cards = [card for card in moment.cards if len(" ".join(card.text.split())) > CARD_CHARS]
    if not long_cards:
        return []
    menus = [
        StaticSelectElement(
            action_id=f"{JourneyAction.read_card}-{start // READ_OPTIONS}",
            placeholder=_("Read a long card in full"),
            options=[
                Option(
                    text=clip(" ".join(card.text.split()), 75),
                    value=f"{exercise_id}:{card.id}",
                )
                for card in long_cards[start : start + READ_OPTIONS]
            ],
        )
        for start in range(0, len(long_cards), READ_OPTIONS)
    ]
    return [ActionsBlock(block_id=f"read-{moment.id}", elements=menus[:25])]


def board_pages(board: Board, _: Translator, *, limit: int, exercise_id: int) -> list[list[Block]]:
    """The board cut into pages of at most `limit - 4` blocks (room for the page's frame)."""
    room = limit - 4
    units: list[list[Block]] = []
    for moment in board.moments:
        unit: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_moment_heading(moment, _)))]
        unit += _column_sections(moment, Column.TODAY, _)
        unit += _column_sections(moment, Column.TOMORROW, _)
        unit += _read_in_full(moment, exercise_id, _)
        unit.append(DividerBlock())
        units.append(unit)
    if not units:
        units = [[SectionBlock(text=MarkdownTextObject(text=_("No moments of truth yet.")))]]
    pages: list[list[Block]] = [[]]
    for unit in units:
        while unit:
            space = room - len(pages[-1])
            if space <= 0 or (len(unit) > space and pages[-1] and len(unit) <= room):
                pages.append([])
                continue
            pages[-1] += unit[:space]
            unit = unit[space:]
    return pages


def board_frame(
    board: Board, page: list[Block], index: int, count: int, exercise_id: int, _: Translator
) -> list[Block]:
    """One page with its heading and, when there are several, its page buttons."""
    label = "#" + str(board.number) + " " + clip(board.task, 120)
    heading = _("Board of {title}", title=label)
    blocks: list[Block] = [HeaderBlock(text=clip(heading, 150)), *page]
    notes = [
        _("Long cards are cut here: pick one in the menu under its moment to read it in full.")
    ]
    if count > 1:
        notes.insert(0, _("Page {page} of {count}", page=index + 1, count=count))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    buttons = []
    if index > 0:
        buttons.append(
            ButtonElement(
                action_id=f"{JourneyAction.board_page}-prev",
                text=_("Previous page"),
                value=f"{exercise_id}:{index - 1}",
            )
        )
    if index < count - 1:
        buttons.append(
            ButtonElement(
                action_id=f"{JourneyAction.board_page}-next",
                text=_("Next page"),
                value=f"{exercise_id}:{index + 1}",
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id="board-pages", elements=buttons))
    if board.phase is Phase.COLUMNS:  # cards change while the columns are being filled
        edit = ButtonElement(
            action_id=JourneyAction.cards, text=_("Edit cards"), value=str(exercise_id)
        )
        blocks.append(ActionsBlock(block_id="board-cards", elements=[edit]))
    return blocks


def ballot_blocks(ballot: Ballot, page: int, _: Translator) -> list[Block]:
    """The member's own ballot: what is left, and every tomorrow card with Vote / Take back."""
    if ballot.open:
        status = _.ngettext(
            "You have *{count}* vote left of {allowed}.",
            "You have *{count}* votes left of {allowed}.",
            ballot.remaining,
            allowed=ballot.allowed,
        )
    else:
        status = _("Voting is not open for this exercise.")
    blocks: list[Block] = [
        SectionBlock(block_id="ballot-status", text=MarkdownTextObject(text=status))
    ]
    pages = max(1, -(-len(ballot.cards) // BALLOT_CARDS))
    page = max(0, min(page, pages - 1))
    shown = ballot.cards[page * BALLOT_CARDS : (page + 1) * BALLOT_CARDS]
    if not shown:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_("No tomorrow cards yet."))]))
    for card in shown:
        text = f"_{escape(clip(card.moment, 80))}_\n{escape(clip(card.text, 400))}\n" + _(
            "{total} in all, {mine} yours", total=card.total, mine=card.mine
        )
        state = f"{card.id}:{ballot.spent}:{page}"
        accessory = None
        if ballot.open and ballot.remaining:
            accessory = ButtonElement(action_id=JourneyAction.cast, text=_("Vote"), value=state)
        blocks.append(
            SectionBlock(
                block_id=f"card-{card.id}", text=MarkdownTextObject(text=text), accessory=accessory
            )
        )
        if ballot.open and card.mine:
            blocks.append(
                ActionsBlock(
                    block_id=f"back-{card.id}",
                    elements=[
                        ButtonElement(
                            action_id=JourneyAction.take_back,
                            text=_("Take back a vote"),
                            value=state,
                        )
                    ],
                )
            )
    if pages > 1:
        buttons = [
            ButtonElement(
                action_id=f"{JourneyAction.ballot_page}-{target}",
                text=_("Page {page} of {count}", page=target + 1, count=pages),
                value=f"ballot:{target}",
            )
            for target in (page - 1, page + 1)
            if 0 <= target < pages
        ]
        blocks.append(ActionsBlock(block_id="ballot-pages", elements=buttons))
    return blocks
