"""Exports of what the bot holds, as CSV, JSON or Markdown. Pure: rows in, bytes out.

The JSON export is documented in docs/exports.md; its `schema` field changes if its shape does.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.export_cells import csv_cell as _csv_cell
from bot.export_cells import iso as _iso
from bot.export_cells import md_cell as _md_cell
from bot.i18n import Translator
from bot.irritants.labels import category_word, status_word
from bot.membership import Audience
from bot.tenancy import Workspace
from storage.repositories import irritants as repo

IRRITANTS_SCHEMA = "journeybot.irritants.v2"
FORMATS = ("csv", "json", "md")
CSV_COLUMNS = (
    "id",
    "channel_id",
    "permalink",
    "text",
    "author_id",
    "author_name",
    "reporters",
    "reporter_names",
    "reporter_count",
    "category",
    "severity",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "withdrawn_at",
    "status_changed_at",
    "resolution_note",
)


@dataclass(frozen=True)
class Export:
    filename: str
    title: str
    content: bytes


def irritant_records(
    session: Session, *, ws: Workspace, audience: Audience
) -> list[dict[str, Any]]:
    """Every irritant `audience` may see, with its reporters, their notes and its history."""
    rows = repo.all_for_export(session, team_id=ws.team_id, channels=audience.only_channels)
    ids = [row.id for row in rows]
    reporters = repo.votes_for(session, team_id=ws.team_id, irritant_ids=ids)
    notes = repo.notes_for(session, team_id=ws.team_id, irritant_ids=ids)
    history: dict[int, list[dict[str, Any]]] = {irritant_id: [] for irritant_id in ids}
    for event in repo.history(session, team_id=ws.team_id, irritant_ids=ids):
        history[event.irritant_id].append(
            {"kind": event.kind, "at": _iso(event.at), "by": event.actor_id, "note": event.note}
        )
    records = []
    for row in rows:
        changes = history[row.id]

        def last(kind: str, changes: list[dict[str, Any]] = changes) -> str | None:
            matches = [change["at"] for change in changes if change["kind"] == kind]
            return matches[-1] if matches else None

        records.append(
            {
                "id": row.id,
                "channel_id": row.channel_id,
                "message_ts": row.message_ts,
                "permalink": row.permalink,
                "text": row.message_text,
                "text_status": row.text_status,
                "author_id": row.message_author_id,
                "reporters": reporters.get(row.id, []),
                "reporter_count": len(reporters.get(row.id, [])),
                "category": row.category,
                "severity": row.severity,
                "notes": [
                    {"by": note.user_id, "note": note.note, "at": _iso(note.updated_at)}
                    for note in notes[row.id]
                ],
                "status": row.status,
                "resolution_note": row.resolution_note,
                "created_at": _iso(row.created_at),
                "status_changed_at": _iso(row.status_changed_at),
                "acknowledged_at": last("acknowledged"),
                "resolved_at": last("resolved"),
                "withdrawn_at": last("withdrawn"),
                "history": changes,
            }
        )
    return records


def people_in(records: list[dict[str, Any]]) -> list[str]:
    """Everyone a file names (authors, reporters): the handler looks up their names."""
    found: dict[str, None] = {}
    for record in records:
        for user_id in [record.get("author_id"), *record.get("reporters", [])]:
            if user_id:
                found[str(user_id)] = None
    return list(found)


def irritants_csv(records: list[dict[str, Any]], names: dict[str, str] | None = None) -> bytes:
    """One row per irritant; people by id with their display names beside (`names`)."""
    names = names or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = dict(record)
        row["author_name"] = names.get(record.get("author_id") or "", "")
        # Names may hold spaces (ids never do): "; " keeps them apart.
        row["reporter_names"] = "; ".join(
            names.get(user_id, user_id) for user_id in record["reporters"]
        )
        writer.writerow([_csv_cell(row.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def irritants_json(records: list[dict[str, Any]], *, ws: Workspace, now: datetime) -> bytes:
    document = {
        "schema": IRRITANTS_SCHEMA,
        "team_id": ws.team_id,
        "exported_at": _iso(now),
        "irritants": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def irritants_markdown(records: list[dict[str, Any]], _: Translator | None = None) -> bytes:
    """A table for people: headers, statuses and default categories in the reader's language."""
    _ = _ or Translator("en")
    headers = [_("No."), _("Status"), _("Reports"), _("Category"), _("Severity"), _("Message")]
    lines = ["| " + " | ".join(headers) + " |", "|---|---|---|---|---|---|"]
    for record in records:
        text = _md_cell(record.get("text"))[:120]
        category = _md_cell(
            category_word(record["category"], _) if record.get("category") else None
        )
        lines.append(
            f"| {record['id']} | {status_word(record['status'], _)} | {record['reporter_count']} | "
            f"{category} | {record.get('severity') or ''} | {text} |"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def render(
    records: list[dict[str, Any]],
    *,
    ws: Workspace,
    fmt: str,
    now: datetime,
    names: dict[str, str] | None = None,
    _: Translator | None = None,
) -> Export:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    _ = _ or Translator("en")
    stamp = now.strftime("%Y-%m-%d")
    if fmt == "csv":
        content = irritants_csv(records, names)
    elif fmt == "json":
        content = irritants_json(records, ws=ws, now=now)
    else:
        content = irritants_markdown(records, _)
    title = _("Irritants {date}", date=stamp)
    return Export(f"irritants-{ws.team_id}-{stamp}.{fmt}", title, content)


def export_irritants(
    session: Session, *, ws: Workspace, fmt: str, now: datetime, audience: Audience
) -> Export:
    """The whole export in one go, without names (they come from Slack: see the handler)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    records = irritant_records(session, ws=ws, audience=audience)
    return render(records, ws=ws, fmt=fmt, now=now)
