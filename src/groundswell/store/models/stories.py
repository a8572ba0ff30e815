"""Stories shared with consent."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class ConsentLevel(enum.StrEnum):
    PRIVATE = "private"
    TRAINING = "training"  # may be used in staff training
    PUBLISH = "publish"  # may be published


class StoryStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    NEEDS_CHANGES = "needs_changes"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    service: Mapped[str | None] = mapped_column(String(80))
    theme: Mapped[str | None] = mapped_column(String(80))
    consent_level: Mapped[ConsentLevel] = mapped_column(
        enum_column(ConsentLevel, "consent_level"), default=ConsentLevel.PRIVATE
    )
    status: Mapped[StoryStatus] = mapped_column(
        enum_column(StoryStatus, "story_status"), default=StoryStatus.SUBMITTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
