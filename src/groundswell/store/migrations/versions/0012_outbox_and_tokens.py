"""outbox and tokens

Additive: the outbox (``outbox_messages``, ``outbox_jobs``), the kinds of
message an address has turned off (``notification_optouts``), the address a
storyteller chose to hear about their story at (``story_contacts``), the
account that added a statement while signed in (``statement_authors``), and
``people.email``, where the movement may write to a person who consented,
and ``conversations.closes_at``, when the worker closes a conversation.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("queued", "sending", "sent", "dead", "skipped")
UTC = groundswell.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="outbox_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", UTC(), nullable=False),
        sa.Column("lease_until", UTC(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("sent_at", UTC(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_outbox_messages_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_outbox_messages_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_due", ["status", "not_before"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_messages_user_id"), ["user_id"], unique=False)

    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("run_at", UTC(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="outbox_job_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTC(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("finished_at", UTC(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_jobs_dedupe_key")),
    )
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_jobs_due", ["status", "run_at"], unique=False)

    op.create_table(
        "notification_optouts",
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("address_hash", "kind", name=op.f("pk_notification_optouts")),
    )
    op.create_table(
        "story_contacts",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_contacts_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", name=op.f("pk_story_contacts")),
    )
    op.create_table(
        "statement_authors",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_authors_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_statement_authors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statement_authors")),
    )
    with op.batch_alter_table("statement_authors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_authors_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_email"), ["email"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closes_at", UTC(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_email"))
        batch_op.drop_column("email")
    with op.batch_alter_table("statement_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_authors_user_id"))
    op.drop_table("statement_authors")
    op.drop_table("story_contacts")
    op.drop_table("notification_optouts")
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_jobs_due")
    op.drop_table("outbox_jobs")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_user_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_person_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_kind"))
        batch_op.drop_index("ix_outbox_messages_due")
    op.drop_table("outbox_messages")
