"""channel members and syncs, channel and workspace locales, one note per reporter

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-02 03:00:00

Lists, exports and the App Home show a person only the irritants of channels they are in:
`channel_members` caches `conversations.members` and member events, `channel_syncs` says when
a channel's list was last read whole. `locale_settings` holds the language and time zone a
channel (or, with channel_id "", the workspace) chose for what the bot posts publicly.

An irritant's single `note` becomes one note per reporter (`irritant_notes`), so one
reporter's note is never shown to or replaced by the next. An existing note goes to the
person who last saved details on it, or else to the first reporter. `resolution_reply_ts`
remembers the bot's resolved reply, so Reopen can delete it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0005"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_members")),
        sa.UniqueConstraint(
            "team_id",
            "channel_id",
            "user_id",
            name=op.f("uq_channel_members_team_id_channel_id_user_id"),
        ),
    )
    op.create_index("ix_channel_members_team_user", "channel_members", ["team_id", "user_id"])
    op.create_table(
        "channel_syncs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("synced_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_syncs")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_channel_syncs_team_id_channel_id")
        ),
    )
    op.create_index(op.f("ix_channel_syncs_team_id"), "channel_syncs", ["team_id"])
    op.create_table(
        "locale_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locale_settings")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_locale_settings_team_id_channel_id")
        ),
    )
    op.create_index(op.f("ix_locale_settings_team_id"), "locale_settings", ["team_id"])
    op.create_table(
        "irritant_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("irritant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["irritant_id"],
            ["irritants.id"],
            name=op.f("fk_irritant_notes_irritant_id_irritants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_irritant_notes")),
        sa.UniqueConstraint(
            "irritant_id", "user_id", name=op.f("uq_irritant_notes_irritant_id_user_id")
        ),
    )
    op.create_index(op.f("ix_irritant_notes_team_id"), "irritant_notes", ["team_id"])
    _move_notes()
    with op.batch_alter_table("irritants") as batch_op:
        batch_op.drop_column("note")
        batch_op.add_column(sa.Column("resolution_reply_ts", sa.String(length=32), nullable=True))


def _move_notes() -> None:
    bind = op.get_bind()
    irritants = sa.table(
        "irritants",
        sa.column("id", sa.Integer()),
        sa.column("team_id", sa.String()),
        sa.column("note", sa.Text()),
        sa.column("status_changed_at", storage.base.UtcDateTime()),
    )
    events = sa.table(
        "irritant_events",
        sa.column("id", sa.Integer()),
        sa.column("irritant_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("actor_id", sa.String()),
    )
    votes = sa.table(
        "irritant_votes",
        sa.column("id", sa.Integer()),
        sa.column("irritant_id", sa.Integer()),
        sa.column("user_id", sa.String()),
    )
    notes = sa.table(
        "irritant_notes",
        sa.column("team_id", sa.String()),
        sa.column("irritant_id", sa.Integer()),
        sa.column("user_id", sa.String()),
        sa.column("note", sa.Text()),
        sa.column("updated_at", storage.base.UtcDateTime()),
    )
    rows = bind.execute(
        sa.select(
            irritants.c.id, irritants.c.team_id, irritants.c.note, irritants.c.status_changed_at
        ).where(irritants.c.note.is_not(None))
    ).all()
    for irritant_id, team_id, note, changed_at in rows:
        author = (
            bind.execute(
                sa.select(events.c.actor_id)
                .where(events.c.irritant_id == irritant_id, events.c.kind == "details")
                .order_by(events.c.id.desc())
                .limit(1)
            ).scalar()
            or bind.execute(
                sa.select(votes.c.user_id)
                .where(votes.c.irritant_id == irritant_id)
                .order_by(votes.c.id)
                .limit(1)
            ).scalar()
        )
        bind.execute(
            notes.insert().values(
                team_id=team_id,
                irritant_id=irritant_id,
                user_id=author or "",
                note=note,
                updated_at=changed_at,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("irritants") as batch_op:
        batch_op.drop_column("resolution_reply_ts")
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    bind = op.get_bind()
    # The newest note of each irritant goes back in its single column.
    for irritant_id, note in bind.execute(
        sa.text("SELECT irritant_id, note FROM irritant_notes ORDER BY updated_at, id")
    ).all():
        bind.execute(
            sa.text("UPDATE irritants SET note = :note WHERE id = :id"),
            {"note": note, "id": irritant_id},
        )
    op.drop_table("irritant_notes")
    op.drop_table("locale_settings")
    op.drop_table("channel_syncs")
    op.drop_index("ix_channel_members_team_user", table_name="channel_members")
    op.drop_table("channel_members")
