"""participant key

Additive: ``participants.key_hash`` holds the SHA-256 of a participant's
anonymous key in the conversation (never the key), unique per conversation, so
a returning participant is found by it and new ones get the next sequential
pid. Existing rows keep a NULL hash; their pids are unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_participants_conversation_id_key_hash"),
            ["conversation_id", "key_hash"],
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_participants_conversation_id_key_hash"), type_="unique"
        )
        batch_op.drop_column("key_hash")
