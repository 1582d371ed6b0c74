"""home viewers

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 09:00:00

Who opened the home tab (a refresh is only published for them) and whether a refresh of it
already waits in the outbox (so many changes make one publish); an index on client requests
for the home's reads: the open ones per channel (partial). Each channel's deadlines use the
digest's `ix_client_requests_due_week` (0011).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "home_viewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("opened_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("published_at", storage.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("refresh_pending", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_viewers")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_home_viewers_team_id_user_id")),
    )
    op.create_index(op.f("ix_home_viewers_team_id"), "home_viewers", ["team_id"], unique=False)
    op.create_index(
        "ix_client_requests_open",
        "client_requests",
        ["team_id", "channel_id", "created_at"],
        unique=False,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ix_client_requests_open", table_name="client_requests")
    op.drop_index(op.f("ix_home_viewers_team_id"), table_name="home_viewers")
    op.drop_table("home_viewers")
