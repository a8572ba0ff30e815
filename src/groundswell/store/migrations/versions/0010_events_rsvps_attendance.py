"""events rsvps attendance

Events you can RSVP to and check in at: event details, hosts, RSVPs, attendance times.

Additive: ``events`` gains a slug, description, place or online link, start
and end times, capacity, a linked campaign, a status and its creation time
(events already recorded are ``held``: they were logged after the fact);
``attendances`` gain when and how each person was checked in and who brought
them; new tables ``event_hosts`` and ``rsvps``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> groundswell.store.models.base.UTCDateTime:
    return groundswell.store.models.base.UTCDateTime()


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("online_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("starts_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("ends_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "scheduled",
                    "cancelled",
                    "held",
                    name="event_status",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                server_default="held",
            )
        )
        batch_op.add_column(sa.Column("created_at", _utc(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_events_slug"), ["slug"])
        batch_op.create_index(batch_op.f("ix_events_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_events_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_in_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("brought_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attendances_brought_by_id_people"),
            "people",
            ["brought_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "event_hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_hosts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_event_hosts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_hosts")),
        sa.UniqueConstraint(
            "event_id", "person_id", name=op.f("uq_event_hosts_event_id_person_id")
        ),
    )
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_hosts_person_id"), ["person_id"], unique=False)
    op.create_table(
        "rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "going",
                "waiting",
                "cancelled",
                name="rsvp_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("accessibility", sa.String(length=500), nullable=True),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("cancelled_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_rsvps_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_rsvps_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvps")),
        sa.UniqueConstraint("event_id", "person_id", name=op.f("uq_rsvps_event_id_person_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_rsvps_token_hash")),
    )
    with op.batch_alter_table("rsvps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rsvps_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rsvps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rsvps_person_id"))
    op.drop_table("rsvps")
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_hosts_person_id"))
    op.drop_table("event_hosts")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attendances_brought_by_id_people"), type_="foreignkey"
        )
        batch_op.drop_column("brought_by_id")
        batch_op.drop_column("source")
        batch_op.drop_column("checked_in_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_campaign_id_campaigns"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_campaign_id"))
        batch_op.drop_constraint(batch_op.f("uq_events_slug"), type_="unique")
        batch_op.drop_column("created_at")
        # The enum's CHECK goes first: SQLite's batch copy would keep it without its column.
        batch_op.drop_constraint(batch_op.f("ck_events_event_status"), type_="check")
        batch_op.drop_column("status")
        batch_op.drop_column("campaign_id")
        batch_op.drop_column("capacity")
        batch_op.drop_column("ends_at")
        batch_op.drop_column("starts_at")
        batch_op.drop_column("online_url")
        batch_op.drop_column("place")
        batch_op.drop_column("description")
        batch_op.drop_column("slug")
