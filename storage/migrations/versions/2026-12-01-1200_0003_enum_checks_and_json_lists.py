"""statuses as checked enums, settings lists as JSON

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00

Statuses gain CHECK constraints (a typo in code can no longer store a status nobody reads),
and the workspace's emoji and category lists become JSON arrays instead of comma-separated
text (a category name may now hold a comma). Existing rows are converted in place.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the value sets at this revision (the enums in code may grow later).
IRRITANT_STATUS = ("new", "acknowledged", "resolved", "withdrawn")
TEXT_STATUS = ("pending", "complete", "unavailable", "redacted")
EVENT_KIND = (
    "reported",
    "unreported",
    "details",
    "redacted",
    "reopened",
    "new",
    "acknowledged",
    "resolved",
    "withdrawn",
)
RESOLVED_MARK = ("reaction", "reply", "both", "none")


def _check(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def upgrade() -> None:
    with op.batch_alter_table("irritants") as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_irritants_status"), _check("status", IRRITANT_STATUS)
        )
        batch_op.create_check_constraint(
            op.f("ck_irritants_text_status"), _check("text_status", TEXT_STATUS)
        )
    with op.batch_alter_table("irritant_events") as batch_op:
        batch_op.alter_column("kind", type_=sa.String(16), existing_type=sa.String(32))
        batch_op.create_check_constraint(
            op.f("ck_irritant_events_kind"), _check("kind", EVENT_KIND)
        )

    with op.batch_alter_table("workspace_settings") as batch_op:
        batch_op.add_column(sa.Column("emoji_list", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("category_list", sa.JSON(), nullable=True))
    bind = op.get_bind()
    settings = sa.table(
        "workspace_settings",
        sa.column("id", sa.Integer()),
        sa.column("irritant_emojis", sa.Text()),
        sa.column("categories", sa.Text()),
        sa.column("emoji_list", sa.JSON()),
        sa.column("category_list", sa.JSON()),
    )
    rows = bind.execute(
        sa.select(settings.c.id, settings.c.irritant_emojis, settings.c.categories)
    ).all()
    for row_id, emojis, categories in rows:
        bind.execute(
            settings.update()
            .where(settings.c.id == row_id)
            .values(emoji_list=_split(emojis), category_list=_split(categories))
        )
    with op.batch_alter_table("workspace_settings") as batch_op:
        batch_op.drop_column("irritant_emojis")
        batch_op.drop_column("categories")
        batch_op.alter_column(
            "emoji_list", new_column_name="irritant_emojis", existing_type=sa.JSON(), nullable=False
        )
        batch_op.alter_column(
            "category_list", new_column_name="categories", existing_type=sa.JSON(), nullable=False
        )
        batch_op.create_check_constraint(
            op.f("ck_workspace_settings_resolved_mark"), _check("resolved_mark", RESOLVED_MARK)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings") as batch_op:
        batch_op.drop_constraint("ck_workspace_settings_resolved_mark", type_="check")
        batch_op.add_column(sa.Column("emoji_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("category_text", sa.Text(), nullable=True))
    bind = op.get_bind()
    settings = sa.table(
        "workspace_settings",
        sa.column("id", sa.Integer()),
        sa.column("irritant_emojis", sa.JSON()),
        sa.column("categories", sa.JSON()),
        sa.column("emoji_text", sa.Text()),
        sa.column("category_text", sa.Text()),
    )
    rows = bind.execute(
        sa.select(settings.c.id, settings.c.irritant_emojis, settings.c.categories)
    ).all()
    for row_id, emojis, categories in rows:
        emojis = json.loads(emojis) if isinstance(emojis, str) else emojis
        categories = json.loads(categories) if isinstance(categories, str) else categories
        bind.execute(
            settings.update()
            .where(settings.c.id == row_id)
            .values(emoji_text=",".join(emojis or []), category_text=",".join(categories or []))
        )
    with op.batch_alter_table("workspace_settings") as batch_op:
        batch_op.drop_column("irritant_emojis")
        batch_op.drop_column("categories")
        batch_op.alter_column(
            "emoji_text", new_column_name="irritant_emojis", existing_type=sa.Text(), nullable=False
        )
        batch_op.alter_column(
            "category_text", new_column_name="categories", existing_type=sa.Text(), nullable=False
        )
    with op.batch_alter_table("irritant_events") as batch_op:
        batch_op.drop_constraint("ck_irritant_events_kind", type_="check")
        batch_op.alter_column("kind", type_=sa.String(32), existing_type=sa.String(16))
    with op.batch_alter_table("irritants") as batch_op:
        batch_op.drop_constraint("ck_irritants_text_status", type_="check")
        batch_op.drop_constraint("ck_irritants_status", type_="check")
