"""The consent registry: what each person agreed to, when, and every withdrawal."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class ConsentPurpose(enum.StrEnum):
    CONTACT = "contact"  # may be contacted by organisers
    ANALYTICS = "analytics"  # may be counted in network and outcome analysis
    STORIES = "stories"  # stories may be used as the story's consent level says
    RESEARCH = "research"  # may be included in research exports
    NETWORK_SURVEY = "network_survey"  # names given in a relationship survey are kept as ties


class ConsentEvent(Base):
    """One grant or withdrawal of consent for one purpose; rows are never changed.

    The registry is append-only (``groundswell.actions.privacy`` only inserts):
    a person's current consent for a purpose is their latest event for it, and
    ``Person.consent_contact``/``consent_analytics`` are kept equal to that by
    the action that records the event.
    """

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_person_purpose", "person_id", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose, "consent_purpose"))
    granted: Mapped[bool] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(32), default="cli")  # cli, web, import, paper
    actor: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(280))
