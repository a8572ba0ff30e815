"""sign-in throttle

Additive: ``sign_in_throttles``, wrong passwords in a row per email address
(kept under a hash of the address), shared by every server process.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("locked_until", groundswell.store.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_sign_in_throttles")),
    )
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttles_last_failure_at"), ["last_failure_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttles_last_failure_at"))
    op.drop_table("sign_in_throttles")
