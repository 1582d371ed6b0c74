"""journey cards: a deleted one is kept so its deletion can be undone; the promise made from one

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02 07:00:00

Authors and the facilitator delete cards with an Undo, the way the facilitator deletes
moments: `journey_cards.deleted_at` set means deleted; every read of the board skips it.

`journey_cards.promise_id` is the promise the facilitator made from the card (then the
channel's watch it became), so the board, the map and the exports show beside each moment
the kept rate of the promises made from its ideas.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journey_cards") as batch:
        batch.add_column(
            sa.Column("deleted_at", storage.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("promise_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journey_cards") as batch:
        batch.drop_column("promise_id")
        batch.drop_column("deleted_at")
