"""wellbeing links

Additive: personal links to the wellbeing survey, answered without an account.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 11:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = groundswell.store.models.base.UTCDateTime
    op.create_table(
        "wellbeing_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("expires_at", utc(), nullable=False),
        sa.Column("used_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_wellbeing_links_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_wellbeing_links_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_wellbeing_links_token_hash")),
    )
    with op.batch_alter_table("wellbeing_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_links_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_wellbeing_links_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_wellbeing_links_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wellbeing_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_links_person_id"))
        batch_op.drop_index(batch_op.f("ix_wellbeing_links_expires_at"))
        batch_op.drop_index(batch_op.f("ix_wellbeing_links_campaign_id"))
    op.drop_table("wellbeing_links")
