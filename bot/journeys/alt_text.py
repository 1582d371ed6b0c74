"""The map's alternative text: what a page shows, for screen readers, within Slack's limit."""

from __future__ import annotations

from bot.i18n import Translator
from bot.journeys.board import TOUCHPOINT_LABELS, Board, Column
from bot.journeys.words import ELLIPSIS, clip_words, format_count, format_feeling, format_rate

# Slack refuses an upload whose `alt_txt` is longer than 1,000 characters.
ALT_TEXT_MAX = 1000


def alt_text(board: Board, translator: Translator, indexes: range, top: dict[int, int]) -> str:
    """What the page shows, for screen readers: moments with their figures, then top ideas.

    Always within ALT_TEXT_MAX: texts are shortened and moments that do not fit are counted.
    """
    _ = translator
    locale = translator.locale
    moments = [board.moments[i] for i in indexes]
    head = _(
        "Journey map of “{task}” for {persona} ({line}).",
        task=clip_words(board.task, 90),
        persona=clip_words(board.persona.name, 40),
        line=clip_words(board.persona.line, 70),
    )
    if len(indexes) < len(board.moments):
        head += " " + _(
            "Moments {first} to {last} of {total}.",
            first=indexes.start + 1,
            last=indexes.stop,
            total=len(board.moments),
        )
    elif not moments:
        head += " " + _("No moments of truth yet.")

    ideas = []
    for moment in moments:
        for card in moment.column(Column.TOMORROW):
            if card.id in top:
                ideas.append((top[card.id], moment, card))
    ideas.sort(key=lambda item: item[0])
    idea_parts = [
        _(
            "“{text}” ({votes}, {moment})",
            text=clip_words(card.text, 80),
            moment=clip_words(moment.name, 30),
            votes=translator.ngettext(
                "{n} vote", "{n} votes", card.votes, n=format_count(card.votes, translator.locale)
            ),
        )
        for _rank, moment, card in ideas
    ]
    ideas_text = (
        (" " + _("Most voted ideas: {ideas}.", ideas=". ".join(idea_parts))) if ideas else ""
    )

    parts = []
    for offset, moment in enumerate(moments):
        figures = [_(TOUCHPOINT_LABELS[moment.touchpoint])]
        if moment.feeling.mean is not None:
            figures.append(
                translator.ngettext(
                    "feeling {mean} ({n} rating)",
                    "feeling {mean} ({n} ratings)",
                    moment.feeling.count,
                    mean=format_feeling(moment.feeling.mean, locale),
                    n=format_count(moment.feeling.count, translator.locale),
                )
            )
        else:
            figures.append(_("not rated yet"))
        figures.append(
            translator.ngettext(
                "{n} open irritant",
                "{n} open irritants",
                moment.open_irritants,
                n=format_count(moment.open_irritants, translator.locale),
            )
            if moment.open_irritants
            else _("no open irritants")
        )
        if moment.kept_rate is not None:
            figures.append(_("promises kept {rate}", rate=format_rate(moment.kept_rate, locale)))
        parts.append(
            _(
                "{number}. {name}: {figures}.",
                number=indexes.start + offset + 1,
                name=clip_words(moment.name, 40),
                figures=", ".join(figures),
            )
        )

    def more(count: int) -> str:
        return translator.ngettext(
            "(+{n} more moment)",
            "(+{n} more moments)",
            count,
            n=format_count(count, translator.locale),
        )

    text = head
    budget = ALT_TEXT_MAX - len(ideas_text)
    for shown, part in enumerate(parts):
        after = len(parts) - shown - 1
        tail = " " + more(after) if after else ""
        if len(text) + 1 + len(part) + len(tail) > budget:
            text += " " + more(len(parts) - shown)
            break
        text += " " + part
    text += ideas_text
    if len(text) > ALT_TEXT_MAX:  # only with extreme translations: never refuse the upload
        text = text[: ALT_TEXT_MAX - 1] + ELLIPSIS
    return text
