"""themes

Additive: theme runs, curated themes and the items in them, linked to initiatives.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 11:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = groundswell.store.models.base.UTCDateTime
    op.create_table(
        "theme_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("requested_n", sa.Integer(), nullable=True),
        sa.Column("texts", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_runs")),
    )
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "merged",
                name="theme_status",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("acting_on", sa.Boolean(), nullable=False),
        sa.Column("what_changed", sa.Text(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_themes_initiative_id_initiatives"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["themes.id"],
            name=op.f("fk_themes_merged_into_id_themes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["theme_runs.id"],
            name=op.f("fk_themes_run_id_theme_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
    )
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_themes_initiative_id"), ["initiative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_themes_run_id"), ["run_id"], unique=False)
    op.create_table(
        "theme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["theme_runs.id"],
            name=op.f("fk_theme_items_run_id_theme_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_items_theme_id_themes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_items")),
        sa.UniqueConstraint(
            "run_id",
            "source",
            "source_id",
            name=op.f("uq_theme_items_run_id_source_source_id"),
        ),
    )
    with op.batch_alter_table("theme_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_items_theme_id"), ["theme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("theme_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_items_theme_id"))
    op.drop_table("theme_items")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_run_id"))
        batch_op.drop_index(batch_op.f("ix_themes_initiative_id"))
    op.drop_table("themes")
    op.drop_table("theme_runs")
