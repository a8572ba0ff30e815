"""user person

Additive: a user may be linked to the person they are in the movement
(``users.person_id``), so a participant who signs in can log their own
campaign days and answer surveys as themselves. Unlinked users are unchanged;
deleting the person unlinks the user.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_person_id_people"),
            "people",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_person_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_person_id"))
        batch_op.drop_column("person_id")
