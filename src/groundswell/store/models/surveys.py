"""Relationship surveys: name-generator questions answered through personal links.

A survey asks one or more questions ("Who do you talk to about your health?"),
each writing ties of its own kind (``health_talk``). Each person in the
survey's audience gets one personal link (``survey_links``, kept only as the
SHA-256 of its token) that answers once. Each name given is a nomination: one
matched to a person writes a tie ``respondent -> nominee`` of the question's
kind (origin ``survey``); a typed name not on the roster waits (``pending``)
until an organiser matches, adds or dismisses it, and writes no tie until then.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class SurveyStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class NominationStatus(enum.StrEnum):
    MATCHED = "matched"  # a person on the roster: a tie is written
    PENDING = "pending"  # a typed name waiting for an organiser: no tie yet
    DISMISSED = "dismissed"  # an organiser decided it names nobody to record


class RelationshipSurvey(Base):
    """One survey; ``both_ways`` says its nominations may be read as ties both ways."""

    __tablename__ = "relationship_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    intro: Mapped[str] = mapped_column(Text, default="")
    both_ways: Mapped[bool] = mapped_column(default=False)
    audience_town: Mapped[str | None] = mapped_column(String(80))
    audience_team: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[SurveyStatus] = mapped_column(
        enum_column(SurveyStatus, "survey_status"), default=SurveyStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyQuestion(Base):
    """A name-generator question and the kind of tie its answers write."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("relationship_surveys.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    tie_kind: Mapped[str] = mapped_column(String(32))
    max_answers: Mapped[int | None] = mapped_column(Integer)


class SurveyLink(Base):
    """A person's one live link to a survey; it answers once (``answered_at``)."""

    __tablename__ = "survey_links"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("relationship_surveys.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyNomination(Base):
    """One name given in answer to one question: a person, or typed text until matched."""

    __tablename__ = "survey_nominations"
    __table_args__ = (
        Index("ix_survey_nominations_survey_id_status", "survey_id", "status"),
        Index("ix_survey_nominations_respondent_id", "respondent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("relationship_surveys.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    respondent_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # Erasing the person named erases the nomination too: it says something about them.
    nominee_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    nominee_text: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[NominationStatus] = mapped_column(
        enum_column(NominationStatus, "nomination_status"), default=NominationStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
