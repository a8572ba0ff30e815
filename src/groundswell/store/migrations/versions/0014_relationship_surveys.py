"""relationship surveys

Additive: relationship surveys (name generators), their questions, personal links and nominations.
The consent registry gains the purpose ``network_survey`` (the purpose column
widens to 14 characters and its CHECK constraint lists the new value; on
SQLite the table is rebuilt, so its append-only trigger is made again).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 11:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groundswell.store.models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURPOSES = ("contact", "analytics", "stories", "research")
WITH_SURVEY = (*PURPOSES, "network_survey")
SQLITE_TRIGGER = (
    "CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events BEGIN "
    "SELECT RAISE(ABORT, 'consent events are append-only: record a new event instead'); "
    "END"
)


def _purpose(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values,
        name="consent_purpose",
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def _set_purposes(old: Sequence[str], new: Sequence[str]) -> None:
    """Change the purposes the consent registry accepts, on either database."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_consent_events_consent_purpose"), "consent_events", "check")
        op.alter_column(
            "consent_events",
            "purpose",
            type_=sa.String(max(len(v) for v in new)),
            existing_type=sa.String(max(len(v) for v in old)),
            existing_nullable=False,
        )
        op.create_check_constraint(
            op.f("ck_consent_events_consent_purpose"),
            "consent_events",
            sa.column("purpose").in_(list(new)),
        )
        return
    # SQLite cannot alter a column or a CHECK constraint: the table is rebuilt,
    # which drops its triggers, so the append-only trigger is made again after.
    op.execute("DROP TRIGGER IF EXISTS consent_events_no_update")
    with op.batch_alter_table("consent_events", recreate="always") as batch_op:
        batch_op.alter_column(
            "purpose", type_=_purpose(new), existing_type=_purpose(old), existing_nullable=False
        )
    op.execute(SQLITE_TRIGGER)


def upgrade() -> None:
    utc = groundswell.store.models.base.UTCDateTime
    op.create_table(
        "relationship_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("both_ways", sa.Boolean(), nullable=False),
        sa.Column("audience_town", sa.String(length=80), nullable=True),
        sa.Column("audience_team", sa.String(length=80), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="survey_status",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.Column("created_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_surveys")),
        sa.UniqueConstraint("slug", name=op.f("uq_relationship_surveys_slug")),
    )
    op.create_table(
        "survey_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("tie_kind", sa.String(length=32), nullable=False),
        sa.Column("max_answers", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["relationship_surveys.id"],
            name=op.f("fk_survey_questions_survey_id_relationship_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
        sa.UniqueConstraint(
            "survey_id", "position", name=op.f("uq_survey_questions_survey_id_position")
        ),
    )
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("answered_at", utc(), nullable=True),
        sa.Column("consent_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_survey_links_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["relationship_surveys.id"],
            name=op.f("fk_survey_links_survey_id_relationship_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_links")),
        sa.UniqueConstraint(
            "survey_id", "person_id", name=op.f("uq_survey_links_survey_id_person_id")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_links_token_hash")),
    )
    with op.batch_alter_table("survey_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_links_person_id"), ["person_id"], unique=False)
    op.create_table(
        "survey_nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("nominee_id", sa.Integer(), nullable=True),
        sa.Column("nominee_text", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "matched",
                "pending",
                "dismissed",
                name="nomination_status",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nominee_id"],
            ["people.id"],
            name=op.f("fk_survey_nominations_nominee_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_nominations_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["people.id"],
            name=op.f("fk_survey_nominations_respondent_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["relationship_surveys.id"],
            name=op.f("fk_survey_nominations_survey_id_relationship_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_nominations")),
    )
    with op.batch_alter_table("survey_nominations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_nominations_nominee_id"), ["nominee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_nominations_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            "ix_survey_nominations_respondent_id", ["respondent_id"], unique=False
        )
        batch_op.create_index(
            "ix_survey_nominations_survey_id_status", ["survey_id", "status"], unique=False
        )
    _set_purposes(PURPOSES, WITH_SURVEY)


def downgrade() -> None:
    # The older schema cannot hold the new purpose: its events go with the surveys.
    op.execute("DELETE FROM consent_events WHERE purpose = 'network_survey'")
    _set_purposes(WITH_SURVEY, PURPOSES)
    with op.batch_alter_table("survey_nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_nominations_survey_id_status")
        batch_op.drop_index("ix_survey_nominations_respondent_id")
        batch_op.drop_index(batch_op.f("ix_survey_nominations_question_id"))
        batch_op.drop_index(batch_op.f("ix_survey_nominations_nominee_id"))
    op.drop_table("survey_nominations")
    with op.batch_alter_table("survey_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_links_person_id"))
    op.drop_table("survey_links")
    op.drop_table("survey_questions")
    op.drop_table("relationship_surveys")
