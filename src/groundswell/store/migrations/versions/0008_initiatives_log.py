"""initiatives log

Additive: ``coproduction_decisions`` (what was decided, by whom, with whom and
by which method) and ``initiative_mode_changes`` (each shift of an initiative's
power mode, dated). Names are free text; nothing refers to people.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _mode(name: str) -> sa.Enum:
    return sa.Enum(
        "keeping", "sharing", "ceding", name=name, native_enum=False, create_constraint=True
    )


def upgrade() -> None:
    op.create_table(
        "coproduction_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("by_whom", sa.String(length=160), nullable=False),
        sa.Column("with_whom", sa.String(length=160), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "staff_decision",
                "consultation",
                "co_produced",
                name="decision_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_coproduction_decisions_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coproduction_decisions")),
    )
    with op.batch_alter_table("coproduction_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coproduction_decisions_initiative_id"), ["initiative_id"], unique=False
        )
    op.create_table(
        "initiative_mode_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("from_mode", _mode("from_power_mode"), nullable=True),
        sa.Column("to_mode", _mode("to_power_mode"), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_mode_changes_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_mode_changes")),
    )
    with op.batch_alter_table("initiative_mode_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_mode_changes_changed_on"), ["changed_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_initiative_mode_changes_initiative_id"), ["initiative_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("initiative_mode_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_mode_changes_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_initiative_mode_changes_changed_on"))
    op.drop_table("initiative_mode_changes")
    with op.batch_alter_table("coproduction_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coproduction_decisions_initiative_id"))
    op.drop_table("coproduction_decisions")
