"""campaign members, time zone, survey consent

Additive: a table of who takes part in a campaign (with a team), the
campaign's time zone for local days, when consent was given for survey
answers, and one answer set per person, instrument and date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:36:28.940975
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=80), nullable=True),
        sa.Column("joined_at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_members_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_campaign_members_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_members")),
        sa.UniqueConstraint(
            "campaign_id", "person_id", name=op.f("uq_campaign_members_campaign_id_person_id")
        ),
    )
    with op.batch_alter_table("campaign_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_members_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "timezone", sa.String(length=64), server_default="Europe/London", nullable=False
            )
        )

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consent_at", groundswell.store.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_survey_responses_person_id_instrument_answered_on"),
            ["person_id", "instrument", "answered_on"],
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_survey_responses_person_id_instrument_answered_on"), type_="unique"
        )
        batch_op.drop_column("consent_at")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    with op.batch_alter_table("campaign_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_members_person_id"))

    op.drop_table("campaign_members")
