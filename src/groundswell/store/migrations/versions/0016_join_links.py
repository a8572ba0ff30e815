"""join links

Additive: personal join links, so who joined through whose link becomes recruitment.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 11:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = groundswell.store.models.base.UTCDateTime
    op.create_table(
        "join_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("joins", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_join_links_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_links")),
        sa.UniqueConstraint("code", name=op.f("uq_join_links_code")),
        sa.UniqueConstraint("person_id", name=op.f("uq_join_links_person_id")),
    )


def downgrade() -> None:
    op.drop_table("join_links")
