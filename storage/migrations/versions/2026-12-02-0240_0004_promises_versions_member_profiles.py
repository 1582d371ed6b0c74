"""promises, their versions and member profiles

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:40:00

Promises (commitments and response-time promises) with their versions, and the member
profiles the at-work rule reads. The partial unique index keeps one active watch per channel
on both SQLite and PostgreSQL. Enum value sets are written out: they are frozen at this
revision even if the enums in code grow later.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("updated_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_profiles")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_member_profiles_team_id_user_id")),
    )
    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "commitment",
                "response_time",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", storage.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index("ix_promises_team_channel", ["team_id", "channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "uq_promises_one_watch_per_channel",
            ["team_id", "channel_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'response_time' AND ended_at IS NULL"),
            postgresql_where=sa.text("kind = 'response_time' AND ended_at IS NULL"),
        )

    op.create_table(
        "promise_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=32), nullable=False),
        sa.Column("valid_from", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("valid_to", storage.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("window_seconds", sa.Integer(), nullable=True),
        sa.Column("business_timezone", sa.String(length=64), nullable=True),
        sa.Column("business_weekdays", sa.JSON(), nullable=True),
        sa.Column("business_opens", sa.Time(), nullable=True),
        sa.Column("business_closes", sa.Time(), nullable=True),
        sa.Column("holiday_country", sa.String(length=8), nullable=True),
        sa.Column("holiday_subdivision", sa.String(length=16), nullable=True),
        sa.Column(
            "team_kind",
            sa.Enum(
                "channel_members",
                "user_group",
                "named_users",
                name="team_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("team_group_id", sa.String(length=32), nullable=True),
        sa.Column("team_user_ids", sa.JSON(), nullable=True),
        sa.Column("nudge_fraction", sa.Float(), nullable=True),
        sa.Column("ack_reactions", sa.JSON(), nullable=True),
        sa.Column(
            "alert_place",
            sa.Enum(
                "thread",
                "team_channel",
                name="alert_place",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("alert_channel_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promises.id"],
            name=op.f("fk_promise_versions_promise_id_promises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_versions")),
        sa.UniqueConstraint(
            "promise_id", "number", name=op.f("uq_promise_versions_promise_id_number")
        ),
    )
    with op.batch_alter_table("promise_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_promise_versions_in_force", ["team_id", "promise_id", "valid_from"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_promise_versions_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("promise_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_versions_team_id"))
        batch_op.drop_index("ix_promise_versions_in_force")

    op.drop_table("promise_versions")
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_promises_one_watch_per_channel",
            sqlite_where=sa.text("kind = 'response_time' AND ended_at IS NULL"),
            postgresql_where=sa.text("kind = 'response_time' AND ended_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_promises_team_id"))
        batch_op.drop_index("ix_promises_team_channel")

    op.drop_table("promises")
    op.drop_table("member_profiles")
