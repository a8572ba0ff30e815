"""listening

Additive: listening events, their tables and hosts, harvest notes and imported comments.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 11:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def upgrade() -> None:
    utc = groundswell.store.models.base.UTCDateTime
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            _enum("comment_status", "pending", "visible", "rejected"),
            nullable=False,
        ),
        sa.Column("imported_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_comments_source_external_id")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_status"), ["status"], unique=False)

    op.create_table(
        "listening_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("town", sa.String(length=80), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("status", _enum("listening_status", "open", "closed"), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_listening_events_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_events")),
        sa.UniqueConstraint("slug", name=op.f("uq_listening_events_slug")),
    )
    with op.batch_alter_table("listening_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listening_events_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "listening_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listening_event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listening_event_id"],
            ["listening_events.id"],
            name=op.f("fk_listening_tables_listening_event_id_listening_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_tables")),
        sa.UniqueConstraint(
            "listening_event_id", "name", name=op.f("uq_listening_tables_listening_event_id_name")
        ),
    )
    with op.batch_alter_table("listening_tables", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listening_tables_listening_event_id"),
            ["listening_event_id"],
            unique=False,
        )

    op.create_table(
        "harvest_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listening_event_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("source", _enum("note_source", "typed", "import"), nullable=False),
        sa.Column("status", _enum("note_status", "pending", "visible", "rejected"), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_harvest_notes_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["listening_event_id"],
            ["listening_events.id"],
            name=op.f("fk_harvest_notes_listening_event_id_listening_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["listening_tables.id"],
            name=op.f("fk_harvest_notes_table_id_listening_tables"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_notes")),
    )
    with op.batch_alter_table("harvest_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvest_notes_author_user_id"), ["author_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_harvest_notes_listening_event_id"), ["listening_event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_harvest_notes_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_notes_table_id"), ["table_id"], unique=False)

    op.create_table(
        "listening_hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listening_event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listening_event_id"],
            ["listening_events.id"],
            name=op.f("fk_listening_hosts_listening_event_id_listening_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["listening_tables.id"],
            name=op.f("fk_listening_hosts_table_id_listening_tables"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_listening_hosts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_hosts")),
        sa.UniqueConstraint(
            "listening_event_id",
            "user_id",
            name=op.f("uq_listening_hosts_listening_event_id_user_id"),
        ),
    )
    with op.batch_alter_table("listening_hosts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listening_hosts_listening_event_id"),
            ["listening_event_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_listening_hosts_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listening_hosts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("listening_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listening_hosts_user_id"))
        batch_op.drop_index(batch_op.f("ix_listening_hosts_table_id"))
        batch_op.drop_index(batch_op.f("ix_listening_hosts_listening_event_id"))
    op.drop_table("listening_hosts")
    with op.batch_alter_table("harvest_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_notes_table_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_notes_status"))
        batch_op.drop_index(batch_op.f("ix_harvest_notes_listening_event_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_notes_author_user_id"))
    op.drop_table("harvest_notes")
    with op.batch_alter_table("listening_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listening_tables_listening_event_id"))
    op.drop_table("listening_tables")
    with op.batch_alter_table("listening_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listening_events_event_id"))
    op.drop_table("listening_events")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_status"))
        batch_op.drop_index(batch_op.f("ix_comments_source"))
    op.drop_table("comments")
