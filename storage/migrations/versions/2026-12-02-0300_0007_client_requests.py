"""client requests in watched channels

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 03:00:00

One row per client request: when it came, when it is nudged and due, how it ended. The
due-work scan reads a partial index on `next_check_at` that holds only what may still fall
due, so it does not grow with the history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the value sets at this revision.
REQUEST_STATUS = ("open", "acknowledged", "dismissed", "withdrawn")
ACKNOWLEDGED_HOW = ("reply", "reaction", "button")


def _check(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "client_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("promise_version_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("requester", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("permalink", sa.String(512), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_message_at", _utc(), nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.Column("nudge_at", _utc(), nullable=False),
        sa.Column("due_at", _utc(), nullable=False),
        sa.Column("next_check_at", _utc(), nullable=True),
        sa.Column("nudged_at", _utc(), nullable=True),
        sa.Column("escalated_at", _utc(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("acknowledged_at", _utc(), nullable=True),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("acknowledged_how", sa.String(16), nullable=True),
        sa.Column("breached", sa.Boolean(), nullable=False),
        sa.Column("dismissed_at", _utc(), nullable=True),
        sa.Column("dismissed_by", sa.String(32), nullable=True),
        sa.Column("withdrawn_at", _utc(), nullable=True),
        sa.Column("text_redacted_at", _utc(), nullable=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.CheckConstraint(
            _check("status", REQUEST_STATUS), name=op.f("ck_client_requests_status")
        ),
        sa.CheckConstraint(
            _check("acknowledged_how", ACKNOWLEDGED_HOW),
            name=op.f("ck_client_requests_acknowledged_how"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_requests")),
        sa.UniqueConstraint(
            "team_id", "channel_id", "ts", name=op.f("uq_client_requests_team_id_channel_id_ts")
        ),
    )
    op.create_index(op.f("ix_client_requests_team_id"), "client_requests", ["team_id"])
    op.create_index(
        "ix_client_requests_due",
        "client_requests",
        ["next_check_at"],
        sqlite_where=sa.text("next_check_at IS NOT NULL"),
        postgresql_where=sa.text("next_check_at IS NOT NULL"),
    )
    op.create_index(
        "ix_client_requests_requester",
        "client_requests",
        ["team_id", "channel_id", "requester", "created_at"],
    )
    op.create_index(
        "ix_client_requests_listing", "client_requests", ["team_id", "channel_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_client_requests_listing", table_name="client_requests")
    op.drop_index("ix_client_requests_requester", table_name="client_requests")
    op.drop_index("ix_client_requests_due", table_name="client_requests")
    op.drop_index(op.f("ix_client_requests_team_id"), table_name="client_requests")
    op.drop_table("client_requests")
