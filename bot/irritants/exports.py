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
    "reporters",
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


def irritants_csv(records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_csv_cell(record.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def irritants_json(records: list[dict[str, Any]], *, ws: Workspace, now: datetime) -> bytes:
    document = {
        "schema": IRRITANTS_SCHEMA,
        "team_id": ws.team_id,
        "exported_at": _iso(now),
        "irritants": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def irritants_markdown(records: list[dict[str, Any]]) -> bytes:
    lines = ["| # | status | reporters | category | severity | text |", "|---|---|---|---|---|---|"]
    for record in records:
        text = _md_cell(record.get("text"))[:120]
        lines.append(
            f"| {record['id']} | {record['status']} | {record['reporter_count']} | "
            f"{_md_cell(record.get('category'))} | {record.get('severity') or ''} | {text} |"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def export_irritants(
    session: Session, *, ws: Workspace, fmt: str, now: datetime, audience: Audience
) -> Export:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    records = irritant_records(session, ws=ws, audience=audience)
    stamp = now.strftime("%Y-%m-%d")
    if fmt == "csv":
        content = irritants_csv(records)
    elif fmt == "json":
        content = irritants_json(records, ws=ws, now=now)
    else:
        content = irritants_markdown(records)
    return Export(f"irritants-{ws.team_id}-{stamp}.{fmt}", f"Irritants {stamp}", content)
