"""A journey board as JSON, CSV or Markdown. Pure: a board in, text out.

- JSON keeps stable English field names, described by `docs/journey-export.schema.json`
  (`schema` changes if the shape does). Dates are ISO 8601 with their offset, promise windows
  ISO 8601 durations ("PT24H").
- CSV has one row per card, with its moment's columns beside it (a moment without cards still
  has one row, with empty card cells), for spreadsheets: cells that would run as formulas are
  neutralised the way the irritants export does it. Encode it as "utf-8-sig" for Excel.
- Markdown is for people: in the reader's language, moments in order, most voted ideas first.

Card authors are Slack user IDs, and never appear when the board is anonymous.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from typing import Any

from bot.export_cells import csv_cell as _csv_cell
from bot.export_cells import iso as _iso
from bot.export_cells import md_cell as _md_cell
from bot.i18n import Translator
from bot.journeys.board import (
    PHASE_LABELS,
    TOUCHPOINT_LABELS,
    Board,
    Card,
    Column,
    Moment,
    top_tomorrow_cards,
)
from bot.journeys.words import TOP_IDEAS, format_count, format_feeling, format_rate, window_label

JOURNEY_SCHEMA = "journeybot.journey.v1"
CSV_COLUMNS = (
    "exercise",
    "moment_position",
    "moment_name",
    "touchpoint",
    "moment_note",
    "feeling_mean",
    "feeling_count",
    "open_irritants",
    "kept_rate",
    "column",
    "text",
    "author",
    "votes",
)


def iso_duration(window: timedelta | None) -> str | None:
    """A promise window as an ISO 8601 duration in hours, minutes and seconds ("PT24H")."""
    if window is None:
        return None
    seconds = round(window.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{seconds}S" if seconds or not any(parts) else "")
    return "PT" + "".join(parts)


def _author(board: Board, card: Card) -> str | None:
    return None if board.anonymous else card.author_id


def _mean(moment: Moment) -> float | None:
    return None if moment.feeling.mean is None else round(moment.feeling.mean, 3)


def board_record(board: Board) -> dict[str, Any]:
    """The board as the JSON export's document (plain dicts and lists)."""
    return {
        "schema": JOURNEY_SCHEMA,
        "exercise": {
            "number": board.number,
            "task": board.task,
            "persona": {"name": board.persona.name, "line": board.persona.line},
            "description": board.description,
            "channel": board.channel_id,
            "facilitator": board.facilitator_id,
            "phase": str(board.phase),
            "deadlines": {
                "moments": _iso(board.deadlines.moments),
                "columns": _iso(board.deadlines.columns),
                "vote": _iso(board.deadlines.vote),
            },
            "anonymous": board.anonymous,
        },
        "moments": [
            {
                "position": moment.position,
                "name": moment.name,
                "touchpoint": str(moment.touchpoint),
                "note": moment.note,
                "feeling": {"mean": _mean(moment), "count": moment.feeling.count},
                "open_irritants": moment.open_irritants,
                "kept_rate": moment.kept_rate,
                "cards": [
                    {
                        "column": str(card.column),
                        "text": card.text,
                        "author": _author(board, card),
                        "votes": card.votes,
                    }
                    for card in moment.cards
                ],
            }
            for moment in board.moments
        ],
        "promises": [
            {"text": promise.text, "window": iso_duration(promise.window)}
            for promise in board.promises
        ],
    }


def export_json(board: Board) -> str:
    return json.dumps(board_record(board), ensure_ascii=False, indent=2) + "\n"


def export_csv(board: Board) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for moment in board.moments:
        moment_cells = [
            board.number,
            moment.position,
            moment.name,
            str(moment.touchpoint),
            moment.note,
            _mean(moment),
            moment.feeling.count,
            moment.open_irritants,
            moment.kept_rate,
        ]
        cards: list[Card | None] = list(moment.cards) or [None]
        for card in cards:
            card_cells: list[Any] = (
                [str(card.column), card.text, _author(board, card), card.votes]
                if card
                else [None, None, None, None]
            )
            writer.writerow([_cell(value) for value in moment_cells + card_cells])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    # Numbers stay numbers (a negative feeling is no formula); text goes through the same
    # guard as the irritants export.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _csv_cell(value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _md(text: str | None) -> str:
    """User text on one Markdown line, its markup shown as typed rather than interpreted."""
    flat = _BREAKS.sub(" ", text or "").strip()
    return _MD_SPECIAL.sub(r"\\\1", flat)


def export_markdown(board: Board, translator: Translator) -> str:
    _ = translator
    locale = translator.locale
    top = {ranked.card.id for ranked in top_tomorrow_cards(board, TOP_IDEAS)}
    lines = [
        f"# {_md(board.task)}",
        "",
        _(
            "**Exercise n° {number}** · {phase} · channel {channel} · facilitator {facilitator}",
            number=board.number,
            phase=_(PHASE_LABELS[board.phase]),
            channel=_md_cell(board.channel_id),
            facilitator=_md_cell(board.facilitator_id),
        ),
        "",
        _(
            "**Persona:** {name} — {line}",
            name=_md(board.persona.name),
            line=_md(board.persona.line),
        ),
    ]
    if board.description:
        lines += ["", _md(board.description)]
    deadlines = [
        (_("Moments of truth listed by"), board.deadlines.moments),
        (_("Columns filled by"), board.deadlines.columns),
        (_("Vote closes"), board.deadlines.vote),
    ]
    if any(when for _label, when in deadlines):
        lines.append("")
        lines += [f"- {label} {_iso(when)}" for label, when in deadlines if when]
    if not board.moments:
        lines += ["", _("No moments of truth yet.")]

    for number, moment in enumerate(board.moments, start=1):
        lines += [
            "",
            f"## {number}. {_md(moment.name)} ({_(TOUCHPOINT_LABELS[moment.touchpoint])})",
        ]
        figures = []
        if moment.feeling.mean is None:
            figures.append(_("Client's feeling today: not rated yet"))
        else:
            figures.append(
                translator.ngettext(
                    "Client's feeling today: {mean} ({n} rating)",
                    "Client's feeling today: {mean} ({n} ratings)",
                    moment.feeling.count,
                    mean=format_feeling(moment.feeling.mean, locale),
                    n=format_count(moment.feeling.count, translator.locale),
                )
            )
        if moment.open_irritants:
            figures.append(
                translator.ngettext(
                    "{n} open irritant",
                    "{n} open irritants",
                    moment.open_irritants,
                    n=format_count(moment.open_irritants, translator.locale),
                )
            )
        else:
            figures.append(_("No open irritants"))
        if moment.kept_rate is not None:
            figures.append(_("Promises kept: {rate}", rate=format_rate(moment.kept_rate, locale)))
        lines += ["", " · ".join(figures)]
        if moment.note:
            lines += ["", f"> {_md(moment.note)}"]
        for column, title in (
            (Column.TODAY, _("What we do today")),
            (Column.TOMORROW, _("What we could do tomorrow")),
        ):
            cards = (
                moment.column(Column.TODAY)
                if column is Column.TODAY
                else moment.tomorrow_by_votes()
            )
            lines += ["", f"**{title}**", ""]
            if not cards:
                lines.append(f"- *{_('No cards yet')}*")
            for card in cards:
                item = f"- {_md(card.text)}"
                if column is Column.TOMORROW and card.votes:
                    item += " — " + translator.ngettext(
                        "{n} vote",
                        "{n} votes",
                        card.votes,
                        n=format_count(card.votes, translator.locale),
                    )
                    if card.id in top:
                        item += " ★"
                lines.append(item)

    lines += ["", f"## {_('Client promises')}", ""]
    if not board.promises:
        lines.append(_("No promises yet."))
    for promise in board.promises:
        item = f"- {_md(promise.text)}"
        if promise.window is not None:
            item += " — " + _(
                "within {window}", window=window_label(translator, promise.window.total_seconds())
            )
        lines.append(item)
    return "\n".join(lines) + "\n"
