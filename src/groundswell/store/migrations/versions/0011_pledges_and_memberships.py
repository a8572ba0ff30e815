"""pledges and memberships

Pledges for campaigns, memberships that people join and leave.

Additive: a pledge may belong to a campaign (``pledges.campaign_id``; deleting
the campaign keeps the pledge), and a membership records the day its member
left (``memberships.left_on``) instead of being deleted, so the history the
ladder of engagement and the leadership index read is kept. Existing rows are
current members and pledges of no campaign.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pledges_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pledges_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("left_on")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pledges_campaign_id_campaigns"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pledges_campaign_id"))
        batch_op.drop_column("campaign_id")
