"""`/journey export requests csv|json`: a channel's requests as a file. Rows in, bytes out.

The names below are stable (docs/watcher.md documents them); the JSON's `schema` changes if
its shape does. Times are ISO 8601 UTC; the request's text is not exported (it is kept only
as long as the retention says, and a file outlives that).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.export_cells import csv_cell, iso
from bot.irritants.exports import Export
from bot.tenancy import Workspace
from bot.watcher.usecases import RequestView, export_rows

REQUESTS_SCHEMA = "journeybot.requests.v1"
FORMATS = ("csv", "json")
COLUMNS = (
    "channel",
    "ts",
    "permalink",
    "requester",
    "created_at",
    "due_at",
    "nudged_at",
    "escalated_at",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledged_how",
    "breached",
    "dismissed",
    "follow_ups",
)


def record(view: RequestView) -> dict[str, Any]:
    return {
        "channel": view.channel,
        "ts": view.ts,
        "permalink": view.permalink,
        "requester": view.requester,
        "created_at": iso(view.created_at),
        "due_at": iso(view.due_at),
        "nudged_at": iso(view.nudged_at),
        "escalated_at": iso(view.escalated_at),
        "acknowledged_at": iso(view.acknowledged_at),
        "acknowledged_by": view.acknowledged_by,
        "acknowledged_how": view.acknowledged_how,
        "breached": view.breached,
        "dismissed": view.dismissed,
        "follow_ups": view.follow_ups,
    }


def requests_csv(records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in records:
        writer.writerow(
            [
                str(row[column]).lower() if isinstance(row[column], bool) else csv_cell(row[column])
                for column in COLUMNS
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def requests_json(
    records: list[dict[str, Any]], *, ws: Workspace, channel_id: str, now: datetime
) -> bytes:
    document = {
        "schema": REQUESTS_SCHEMA,
        "team_id": ws.team_id,
        "channel": channel_id,
        "exported_at": iso(now),
        "requests": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_requests(
    session: Session, *, ws: Workspace, channel_id: str, fmt: str, now: datetime
) -> Export:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    records = [record(view) for view in export_rows(session, ws=ws, channel_id=channel_id)]
    stamp = now.strftime("%Y-%m-%d")
    if fmt == "csv":
        content = requests_csv(records)
    else:
        content = requests_json(records, ws=ws, channel_id=channel_id, now=now)
    return Export(f"requests-{channel_id}-{stamp}.{fmt}", f"Requests {stamp}", content)
