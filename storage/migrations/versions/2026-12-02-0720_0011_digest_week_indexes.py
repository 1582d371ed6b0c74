"""digest week indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:20:00

A digest reads one channel's requests that fell due, or were acknowledged, in a span of
weeks. With only (team, channel, created_at) those statements read the channel's whole
history and filter it; these two indexes let them read the span's rows alone, so a digest
costs what its weeks hold, not the channel's age (docs/benchmarks.md has the plans).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_client_requests_due_week",
        "client_requests",
        ["team_id", "channel_id", "due_at"],
    )
    op.create_index(
        "ix_client_requests_acknowledged",
        "client_requests",
        ["team_id", "channel_id", "acknowledged_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_client_requests_acknowledged", table_name="client_requests")
    op.drop_index("ix_client_requests_due_week", table_name="client_requests")
