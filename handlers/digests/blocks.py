"""Block Kit for the weekly digest: a document (header first), figures before lists, thanks
and never blame, and a short line instead of a wall of zeros when the week was quiet."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.digests import formats
from bot.digests.figures import Breach, WeekFigures
from bot.digests.usecases import DigestContent
from bot.i18n import Translator
from bot.journeys.board import PHASE_LABELS
from bot.promises.rules import promise_text
from handlers.blocks.text import clip, escape

EXCERPT = 80


def day(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{moment:%Y-%m-%d}>"


def _link(breach: Breach, _: Translator) -> str:
    label = _("request of {date}", date=day(breach.arrived_at))
    return f"<{breach.permalink}|{label}>" if breach.permalink else label


def _trend(this: WeekFigures, before: WeekFigures | None, _: Translator) -> str:
    """An arrow against the week before: the figure that moved, never a judgement."""
    now, then = this.kept_ratio, None if before is None else before.kept_ratio
    if now is None or then is None:
        return ""
    locale = _.locale
    if round(now * 100) == round(then * 100):
        return _(" (→ as the week before)")
    arrow = "↑" if now > then else "↓"
    return _(" ({arrow} from {share})", arrow=arrow, share=formats.share(then, locale))


def _promise_lines(content: DigestContent, _: Translator) -> list[str]:
    week = content.this_week
    before = content.weeks[-2] if len(content.weeks) > 1 else None
    locale = _.locale
    lines: list[str] = []
    if week.kept_ratio is not None:
        lines.append(
            _(
                "*Promise kept: {share}*{trend}",
                share=formats.share(week.kept_ratio, locale),
                trend=_trend(week, before, _),
            )
            + " · "
            + _.ngettext(
                "{kept} of {count} request due this week",
                "{kept} of {count} requests due this week",
                week.due,
                kept=formats.count(week.kept, locale),
            )
        )
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
    if week.follow_ups:
        lines.append(
            _.ngettext(
                "Clients followed up {count} time before an answer",
                "Clients followed up {count} times before an answer",
                week.follow_ups,
            )
        )
    if week.breach_count:
        links = ", ".join(_link(breach, _) for breach in week.breaches)
        lines.append(
            _.ngettext(
                "{count} request waited past the promise: {links}",
                "{count} requests waited past the promise: {links}",
                week.breach_count,
                links=links,
            )
        )
    if week.longest_open is not None and week.longest_open_wait is not None:
        lines.append(
            _(
                "Longest wait still open: {wait} ({link})",
                wait=formats.duration(week.longest_open_wait.total_seconds(), _),
                link=_link(week.longest_open, _),
            )
        )
    if week.pickers:
        people = ", ".join(f"<@{user_id}> ({count})" for user_id, count in week.pickers)
        lines.append(_("Thanks to {people} for picking up.", people=people))
    return lines


def _irritant_lines(content: DigestContent, _: Translator) -> list[str]:
    irritants = content.irritants
    if not (irritants.opened or irritants.resolved or irritants.still_open):
        return []
    lines = [
        _.ngettext("{count} new irritant", "{count} new irritants", irritants.opened)
        + " · "
        + _.ngettext("{count} resolved", "{count} resolved", irritants.resolved)
        + " · "
        + _.ngettext("{count} still open", "{count} still open", irritants.still_open)
    ]
    for irritant in irritants.top_open:
        excerpt = escape(clip(" ".join((irritant.text or "").split()), EXCERPT)) or _(
            "irritant #{number}", number=irritant.irritant_id
        )
        title = f"<{irritant.permalink}|{excerpt}>" if irritant.permalink else excerpt
        people = _.ngettext(
            "{count} person reported it", "{count} people reported it", irritant.reporters
        )
        lines.append(f"• {title} ({people})")
    return lines


def _exercise_lines(content: DigestContent, _: Translator) -> list[str]:
    lines = []
    for exercise in content.exercises:
        line = _(
            "• #{number} {task}: {phase}",
            number=exercise.number,
            task=escape(clip(exercise.task, EXCERPT)),
            phase=_(PHASE_LABELS[exercise.phase]),
        )
        if exercise.phase_ends_at is not None:
            line += _(" (until {date})", date=day(exercise.phase_ends_at))
        lines.append(line)
    return lines


def digest_blocks(content: DigestContent, _: Translator) -> tuple[str, list[Block]]:
    """The digest's fallback text and blocks, in the channel's language."""
    title = _("Weekly promise digest")
    period = _(
        "Week of {start} to {end} in <#{channel}>",
        start=day(content.week.start),
        end=day(content.week.end),
        channel=content.channel_id,
    )
    blocks: list[Block] = [
        HeaderBlock(text=title),
        ContextBlock(elements=[MarkdownTextObject(text=period)]),
    ]
    if content.watch is not None:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=_(
                            "Our promise: {text}",
                            text=escape(
                                clip(promise_text(content.watch.text, content.watch.window, _), 300)
                            ),
                        )
                    )
                ]
            )
        )
    if content.quiet:
        quiet = _("A quiet week: no client request and no irritant. See you next week.")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=quiet)))
        return f"{title}: {quiet}", blocks

    summary: list[str] = []
    if content.watch is not None or content.this_week.received or content.this_week.due:
        lines = _promise_lines(content, _)
        summary.append(lines[0])
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    irritant_lines = _irritant_lines(content, _)
    if irritant_lines:
        summary.append(irritant_lines[0])
        blocks.append(DividerBlock())
        heading = _("*Irritants*")
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="\n".join([heading, *irritant_lines])))
        )
    if content.exercises:
        blocks.append(DividerBlock())
        heading = _.ngettext(
            "*Journey exercise in progress*",
            "*Journey exercises in progress*",
            len(content.exercises),
        )
        lines = [heading, *_exercise_lines(content, _)]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    if content.promises_made:
        blocks.append(DividerBlock())
        made = [f"• {escape(clip(text, 200))}" for text in content.promises_made]
        heading = _.ngettext(
            "*Promise made this week*", "*Promises made this week*", len(content.promises_made)
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join([heading, *made]))))
    return f"{title}: " + " · ".join(summary), blocks
