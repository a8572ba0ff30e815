"""story bank

Additive: personal-data flags and their resolutions, the consent trail of each
story, staff responses, impact-area tags, the moderator's review (criticality,
routing, change planned/made), safeguarding contacts, and training packs with
their items. Everything hangs off stories.id; nothing refers to people.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:39:14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("service", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_contacts")),
        sa.UniqueConstraint("service", name=op.f("uq_safeguarding_contacts_service")),
    )
    op.create_table(
        "training_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("audience", sa.String(length=160), nullable=True),
        sa.Column("learning_points", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_packs")),
    )
    op.create_table(
        "pack_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("learning_point", sa.Text(), nullable=False),
        sa.Column("added_at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("removed_at", groundswell.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("removed_reason", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["training_packs.id"],
            name=op.f("fk_pack_items_pack_id_training_packs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_pack_items_story_id_stories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_items")),
    )
    with op.batch_alter_table("pack_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_items_pack_id"), ["pack_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pack_items_story_id"), ["story_id"], unique=False)

    op.create_table(
        "story_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consent", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=True),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_events_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_events")),
    )
    with op.batch_alter_table("story_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_events_story_id"), ["story_id"], unique=False)

    op.create_table(
        "story_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "edited",
                "accepted",
                name="story_flag_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=280), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("resolved_at", groundswell.store.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_flags_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_flags")),
    )
    with op.batch_alter_table("story_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_flags_story_id"), ["story_id"], unique=False)

    op.create_table(
        "story_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", groundswell.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_responses_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_responses")),
    )
    with op.batch_alter_table("story_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_responses_story_id"), ["story_id"], unique=False)

    op.create_table(
        "story_reviews",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column(
            "criticality",
            sa.Enum(
                "routine",
                "concern",
                "serious",
                "safeguarding",
                name="story_criticality",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("routed_to", sa.String(length=120), nullable=True),
        sa.Column(
            "change",
            sa.Enum(
                "none",
                "planned",
                "made",
                name="story_change",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("change_note", sa.String(length=280), nullable=True),
        sa.Column("withdraw_key_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_reviews_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", name=op.f("pk_story_reviews")),
    )
    op.create_table(
        "story_tags",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_tags_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", "tag", name=op.f("pk_story_tags")),
    )


def downgrade() -> None:
    op.drop_table("story_tags")
    op.drop_table("story_reviews")
    with op.batch_alter_table("story_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_responses_story_id"))

    op.drop_table("story_responses")
    with op.batch_alter_table("story_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_flags_story_id"))

    op.drop_table("story_flags")
    with op.batch_alter_table("story_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_events_story_id"))

    op.drop_table("story_events")
    with op.batch_alter_table("pack_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_items_story_id"))
        batch_op.drop_index(batch_op.f("ix_pack_items_pack_id"))

    op.drop_table("pack_items")
    op.drop_table("training_packs")
    op.drop_table("safeguarding_contacts")
