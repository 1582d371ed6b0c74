"""paused watches

Revision ID: 0009
Revises: 0013
Create Date: 2026-12-02 07:00:00

A watch is paused while the bot is out of the channel it watches or posts its alerts in:
when it was paused, which channel it is missing from, and what Slack said.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0009"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        batch.add_column(
            sa.Column("paused_at", storage.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("paused_channel_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("pause_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        batch.drop_column("pause_reason")
        batch.drop_column("paused_channel_id")
        batch.drop_column("paused_at")
