"""Block Kit for promises: a watch's status, and the channel's list of promises."""

from __future__ import annotations

from datetime import datetime

from babel.dates import get_day_names
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import Translator
from bot.pagination import Page
from bot.promises.rules import WatchSetup, WatchTeam, promise_text
from bot.promises.usecases import PromiseCard, WatchCard
from bot.windows import window_text
from handlers.blocks.text import clip, escape
from handlers.ids import PromiseAction


def when(moment: datetime) -> str:
    """A date and time Slack shows in each reader's own time zone."""
    stamp = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>"


def _team_text(setup: WatchSetup, _: Translator) -> str:
    if setup.team.kind == WatchTeam.user_group and setup.team.group_id:
        return f"<!subteam^{setup.team.group_id}>"
    if setup.team.kind == WatchTeam.named_users and setup.team.user_ids:
        return ", ".join(f"<@{user_id}>" for user_id in setup.team.user_ids)
    return _("the channel's members")


def _hours_text(setup: WatchSetup, _: Translator) -> str:
    hours = setup.hours
    if hours is None:
        return _("around the clock")
    names = get_day_names("abbreviated", locale=_.locale)
    days = ", ".join(str(names[day]) for day in sorted(hours.weekdays))
    closes = "24:00" if hours.closes.hour == 0 and hours.closes.minute == 0 else None
    text = _(
        "{days}, {opens}–{closes} ({zone})",
        days=days,
        opens=hours.opens.strftime("%H:%M"),
        closes=closes or hours.closes.strftime("%H:%M"),
        zone=hours.timezone,
    )
    if hours.holiday_country:
        text += " · " + _("public holidays of {country}", country=hours.holiday_country)
    return text


def watch_blocks(
    card: WatchCard, *, at_work: list[str] | None, _: Translator, notice: str | None = None
) -> list[Block]:
    """A watch as `/journey watch status` shows it (and the confirmation after a change)."""
    setup = card.setup
    alerts = (
        _("in <#{channel}>", channel=setup.alert_channel_id)
        if setup.alert_channel_id
        else _("in the request's thread")
    )
    lines = [
        f"*{clip(escape(promise_text(card.text, setup.window, _)), 300)}*",
        _("*Window:* {window}", window=window_text(setup.window)),
        _("*Business hours:* {hours}", hours=_hours_text(setup, _)),
        _("*Team:* {team}", team=_team_text(setup, _)),
        _("*Nudge:* at {percent}% of the window", percent=round(setup.nudge_fraction * 100)),
        _(
            "*Acknowledged by:* {reactions}",
            reactions=" ".join(f":{name}:" for name in setup.ack_reactions),
        ),
        _("*Alerts:* {place}", place=alerts),
    ]
    if at_work is not None:
        people = ", ".join(f"<@{user_id}>" for user_id in at_work[:20])
        lines.append(
            _("*At work now:* {people}", people=people) if at_work else _("*At work now:* nobody")
        )
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(block_id="watch-notice", text=MarkdownTextObject(text=notice)))
    blocks += [
        HeaderBlock(
            block_id="watch-header",
            text=PlainTextObject(text=clip(_("This channel's watch"), 150)),
        ),
        SectionBlock(block_id="watch-terms", text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(
            block_id="watch-made",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Version {version}, by <@{user}> since {since}",
                        version=card.version,
                        user=card.made_by,
                        since=when(card.since),
                    )
                )
            ],
        ),
    ]
    return blocks


def promise_list_blocks(
    page: Page[PromiseCard], *, value_for: dict[int, str], _: Translator
) -> list[Block]:
    """One page of `/journey promises`; `value_for[n]` is the sealed value of page n's button."""
    blocks: list[Block] = [
        HeaderBlock(
            block_id="promises-header",
            text=PlainTextObject(text=clip(_("This channel's promises"), 150)),
        )
    ]
    if not page.items:
        blocks.append(
            SectionBlock(
                block_id="promises-empty",
                text=MarkdownTextObject(
                    text=_(
                        "No promise here yet. `/journey watch` promises a response time; "
                        "journey exercises turn the team's ideas into promises."
                    )
                ),
            )
        )
        return blocks
    for card in page.items:
        kind = (
            _("Response time · {window}", window=window_text(card.window))
            if card.window is not None
            else _("Commitment")
        )
        origin = (
            _("from exercise #{exercise}", exercise=card.exercise_id)
            if card.exercise_id is not None
            else _("made directly")
        )
        made = _(
            "Made by <@{creator}>, {origin} · version {version} by <@{user}> since {since}",
            creator=card.created_by,
            origin=origin,
            version=card.version,
            user=card.made_by,
            since=when(card.since),
        )
        blocks += [
            SectionBlock(
                block_id=f"promise-{card.promise_id}",
                text=MarkdownTextObject(
                    text=f"*{clip(escape(promise_text(card.text, card.window, _)), 500)}*\n{kind}"
                ),
            ),
            ContextBlock(
                block_id=f"promise-{card.promise_id}-made",
                elements=[MarkdownTextObject(text=made)],
            ),
            DividerBlock(block_id=f"promise-{card.promise_id}-divider"),
        ]
    pages = page.last_number + 1
    blocks.append(
        ContextBlock(
            block_id="promises-position",
            elements=[
                MarkdownTextObject(
                    text=_.ngettext(
                        "Page {page} of {pages} · {count} promise",
                        "Page {page} of {pages} · {count} promises",
                        page.total,
                        page=page.number + 1,
                        pages=pages,
                    )
                )
            ],
        )
    )
    navigation: list[ButtonElement] = []
    if page.has_previous:
        navigation.append(
            ButtonElement(
                text=_("Previous"),
                action_id=f"{PromiseAction.page}-previous",
                value=value_for[page.number - 1],
            )
        )
    if page.has_next:
        navigation.append(
            ButtonElement(
                text=_("Next"),
                action_id=f"{PromiseAction.page}-next",
                value=value_for[page.number + 1],
            )
        )
    if navigation:
        blocks.append(ActionsBlock(block_id="promises-navigation", elements=navigation))
    return blocks
