"""The App Home tab: what waits on the person, their exercises and irritants, their figures.

Each list shows its first items (bot/home/usecases.py caps them) and counts the rest with a
pointer to the slash command that lists them all, so a home stays far inside Slack's 100
blocks however much there is: at most about 65 blocks with every list full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import PlainTextObject
from slack_sdk.models.views import View

from bot.commands import CommandCatalog
from bot.digests import formats
from bot.home.usecases import (
    ChannelFigures,
    ExerciseDuty,
    HomeContent,
    OverviewLine,
    ReportedIrritant,
    WaitingRequest,
)
from bot.i18n import Translator
from bot.irritants.labels import status_word
from bot.journeys.board import PHASE_LABELS, Phase
from handlers.blocks.help import help_text, intro_text
from handlers.blocks.irritants import card_title, reports
from handlers.blocks.text import clip, escape, slack_date
from handlers.ids import HomeAction

MAX_BLOCKS = 100  # Slack's limit for a view
SECTION_CHARS = 3000


def _link(title: str, permalink: str | None) -> str:
    return f"<{permalink}|{title.replace('|', '/')}>" if permalink else title


def _section(block_id: str, text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(
        block_id=block_id,
        text=MarkdownTextObject(text=clip(text, SECTION_CHARS)),
        accessory=accessory,
    )


def _note(block_id: str, text: str) -> ContextBlock:
    return ContextBlock(block_id=block_id, elements=[MarkdownTextObject(text=text)])


def _header(block_id: str, text: str) -> HeaderBlock:
    return HeaderBlock(block_id=block_id, text=PlainTextObject(text=clip(text, 150)))


def _home_list(
    key: str,
    heading: str,
    rows: Sequence[Block],
    *,
    left_out: int,
    more: str,
    empty: str | None = None,
    about: str | None = None,
) -> list[Block]:
    """One list of the tab: its heading, what it is about, a line when it is empty, its rows,
    and, when `left_out` rows are not shown, `more` (where the slash commands show them)."""
    blocks: list[Block] = [_header(f"home-{key}", heading)]
    if about is not None:
        blocks.append(_note(f"home-{key}-about", about))
    if not rows and empty is not None:
        blocks.append(_section(f"home-{key}-empty", empty))
    blocks += rows
    if left_out:
        blocks.append(_note(f"home-{key}-more", more))
    return blocks


# -- requests --------------------------------------------------------------------------------
def _request(item: WaitingRequest, now: datetime, _: Translator) -> SectionBlock:
    title = _link(card_title(item.text, item.channel_id, _), item.permalink)
    facts = [
        f"<#{item.channel_id}>",
        _("from <@{user}>", user=item.requester),
        _("arrived {date}", date=slack_date(item.created_at)),
    ]
    if item.due_at <= now:
        facts.append(_("past the promise since {date}", date=slack_date(item.due_at)))
    else:
        facts.append(_("due {date}", date=slack_date(item.due_at)))
    # Not `primary`: one primary button per view (VOICE.md), and here there is one per request.
    button = ButtonElement(action_id=HomeAction.take, text=_("I'll take it"), value=str(item.id))
    return _section(f"home-request-{item.id}", f"*{title}*\n" + " · ".join(facts), button)


def _requests(content: HomeContent, now: datetime, _: Translator) -> list[Block]:
    listed = content.requests
    return _home_list(
        "requests",
        _("Requests waiting for an answer"),
        [_request(item, now, _) for item in listed.items],
        empty=_(
            "No client request waits in your channels. A channel's watch "
            "(`/journey watch`) brings its unanswered requests here."
        ),
        left_out=listed.more,
        more=_.ngettext(
            "{count} more request waits (the oldest are above): `/journey requests` "
            "in a channel lists all of its requests.",
            "{count} more requests wait (the oldest are above): `/journey requests` "
            "in a channel lists all of its requests.",
            listed.more,
        ),
    )


# -- exercises -------------------------------------------------------------------------------
def _expected(duty: ExerciseDuty, _: Translator) -> str:
    if duty.phase is Phase.MOMENTS:
        if duty.done:
            return _("Thanks for your moments of truth; more are welcome until the deadline.")
        return _("Add the moments of truth your client goes through.")
    if duty.phase is Phase.COLUMNS:
        if duty.done:
            return _("Thanks for your cards; more are welcome until the deadline.")
        return _("Add today and tomorrow cards, and rate the client's feeling at each moment.")
    if duty.phase is Phase.VOTE:
        if duty.votes_left:
            return _.ngettext(
                "You have {count} vote left: give it to the tomorrow ideas that matter most.",
                "You have {count} votes left: give them to the tomorrow ideas that matter most.",
                duty.votes_left,
            )
        return _("Thanks, you used all your votes.")
    if duty.facilitating:
        return _("Turn the top ideas into promises, then close the exercise.")
    return _("The facilitator turns the top ideas into promises: nothing to do for you.")


def _exercise(duty: ExerciseDuty, _: Translator) -> SectionBlock:
    title = _("#{number} {task}", number=duty.number, task=escape(clip(duty.task, 120)))
    phase = _(PHASE_LABELS[duty.phase])
    if duty.deadline is None:
        phase_text = _("*Phase:* {phase}", phase=phase)
    else:
        phase_text = _(
            "*Phase:* {phase}, until {deadline}", phase=phase, deadline=slack_date(duty.deadline)
        )
    text = f"*{title}* · <#{duty.channel_id}>\n{phase_text}\n{_expected(duty, _)}"
    return _section(f"home-exercise-{duty.id}", text)


def _exercises(content: HomeContent, _: Translator) -> list[Block]:
    listed = content.exercises
    if not listed.items:
        return []  # nothing to do: no empty heading for a ritual the team doesn't run
    return _home_list(
        "exercises",
        _("Your journey exercises"),
        [_exercise(duty, _) for duty in listed.items],
        left_out=listed.more,
        more=_.ngettext(
            "And {count} more exercise: `/journey list` in a channel shows its own.",
            "And {count} more exercises: `/journey list` in a channel shows its own.",
            listed.more,
        ),
    )


# -- irritants -------------------------------------------------------------------------------
def _irritant(item: ReportedIrritant, _: Translator) -> SectionBlock:
    title = _link(card_title(item.text, item.channel_id, _), item.permalink)
    facts = f"<#{item.channel_id}> · " + _("Status: {status}", status=status_word(item.status, _))
    return _section(f"home-irritant-{item.id}", f"*{title}*\n{facts}")


def _irritants(content: HomeContent, _: Translator) -> list[Block]:
    listed = content.irritants
    return _home_list(
        "irritants",
        _("Irritants you reported"),
        [_irritant(item, _) for item in listed.items],
        empty=_(
            "You haven't reported an irritant yet. React to a client message with "
            ":rage: (or use the *Report an irritant* message shortcut) to report one."
        ),
        left_out=listed.more,
        more=_.ngettext(
            "And {count} more irritant: `/journey irritants all` lists every "
            "irritant with its status.",
            "And {count} more irritants: `/journey irritants all` lists every "
            "irritant with its status.",
            listed.more,
        ),
    )


# -- figures and overview --------------------------------------------------------------------
def _kept(ratio: float | None, _: Translator) -> str:
    if ratio is None:
        return _("no deadline fell this week")
    return _("{share} kept", share=formats.share(ratio, _.locale))


def _figures_line(item: ChannelFigures, _: Translator) -> SectionBlock:
    week = item.figures
    lines = [f"*<#{item.channel_id}>* · {_kept(week.kept_ratio, _)}"]
    received = _.ngettext("{count} request received", "{count} requests received", week.received)
    acknowledged = _.ngettext("{count} acknowledged", "{count} acknowledged", week.acknowledged)
    lines.append(f"{received} · {acknowledged}")
    if week.median_seconds is not None and week.p90_seconds is not None:
        lines.append(
            _(
                "Time to acknowledge: median {median}, 9 in 10 within {p90}",
                median=formats.duration(week.median_seconds, _),
                p90=formats.duration(week.p90_seconds, _),
            )
        )
    if week.pickers:
        people = ", ".join(f"<@{user_id}> ({count})" for user_id, count in week.pickers)
        lines.append(_("Thanks to {people} for picking up.", people=people))
    return _section(f"home-figures-{item.channel_id}", "\n".join(lines))


def _figures(content: HomeContent, _: Translator) -> list[Block]:
    listed = content.figures
    if not listed.items:
        return []
    return _home_list(
        "figures",
        _("Your promises, last 7 days"),
        [_figures_line(item, _) for item in listed.items],
        left_out=listed.more,
        more=_.ngettext(
            "And {count} more watched channel: `/journey digest preview` in a channel "
            "shows its week.",
            "And {count} more watched channels: `/journey digest preview` in a channel "
            "shows its week.",
            listed.more,
        ),
    )


def _overview_line(line: OverviewLine, _: Translator) -> SectionBlock:
    facts = [
        _kept(line.kept_ratio, _),
        _.ngettext("{count} open request", "{count} open requests", line.open_requests),
        _.ngettext("{count} open irritant", "{count} open irritants", line.open_irritants),
    ]
    text = f"*<#{line.channel_id}>* · " + " · ".join(facts)
    if line.top:
        tops = ", ".join(
            f"{_link(card_title(top.text, line.channel_id, _), top.permalink)} "
            f"({reports(top.reporters, _)})"
            for top in line.top
        )
        text += "\n" + _("Most reported: {irritants}", irritants=tops)
    return _section(f"home-overview-{line.channel_id}", text)


def _overview(content: HomeContent, _: Translator) -> list[Block]:
    listed = content.overview
    if listed is None:
        return []
    return _home_list(
        "overview",
        _("Your channels at a glance"),
        [_overview_line(line, _) for line in listed.items],
        about=_("Kept promises over the last 7 days, what is open now, busiest channels first."),
        empty=_(
            "None of your channels has a watch, an open irritant or a running "
            "exercise yet. `/journey watch` in a client channel sets its promise."
        ),
        left_out=listed.more,
        more=_.ngettext(
            "And {count} more channel: its weekly digest (`/journey digest preview`) "
            "has its figures.",
            "And {count} more channels: their weekly digests (`/journey digest "
            "preview`) have their figures.",
            listed.more,
        ),
    )


def home_view(catalog: CommandCatalog, content: HomeContent, now: datetime, _: Translator) -> View:
    sections = [
        _requests(content, now, _),
        _exercises(content, _),
        _irritants(content, _),
        _figures(content, _),
        _overview(content, _),
    ]
    blocks: list[Block] = [
        HeaderBlock(block_id="home-header", text=PlainTextObject(text="journeybot")),
        SectionBlock(block_id="home-intro", text=MarkdownTextObject(text=intro_text(_))),
    ]
    for index, section in enumerate(s for s in sections if s):
        blocks.append(DividerBlock(block_id=f"home-divider-{index}"))
        blocks += section
    blocks += [
        DividerBlock(block_id="home-divider"),
        HeaderBlock(block_id="home-commands-header", text=PlainTextObject(text=_("Commands"))),
        SectionBlock(
            block_id="home-commands",
            text=MarkdownTextObject(text=clip(help_text("/journey", catalog, _), SECTION_CHARS)),
        ),
    ]
    if len(blocks) > MAX_BLOCKS:  # the caps keep it far below; never let Slack refuse it
        blocks = blocks[: MAX_BLOCKS - 3] + blocks[-3:]
    return View(type="home", blocks=blocks)
