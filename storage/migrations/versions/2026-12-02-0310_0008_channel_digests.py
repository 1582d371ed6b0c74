"""channel digests

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:10:00

Each channel's weekly digest schedule, its next due instant (partial index on the enabled
rows for the due scan) and the week sent last.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at_minute", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_due_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_sent_for", storage.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_channel_digests_weekday")),
        sa.CheckConstraint(
            "at_minute BETWEEN 0 AND 1439", name=op.f("ck_channel_digests_at_minute")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_digests")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_channel_digests_team_id_channel_id")
        ),
    )
    op.create_index(
        op.f("ix_channel_digests_team_id"), "channel_digests", ["team_id"], unique=False
    )
    op.create_index(
        "ix_channel_digests_due",
        "channel_digests",
        ["next_due_at"],
        unique=False,
        sqlite_where=sa.text("enabled"),
        postgresql_where=sa.text("enabled"),
    )


def downgrade() -> None:
    op.drop_index("ix_channel_digests_due", table_name="channel_digests")
    op.drop_index(op.f("ix_channel_digests_team_id"), table_name="channel_digests")
    op.drop_table("channel_digests")
