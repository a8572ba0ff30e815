"""People, the ties between them, and who brought whom into the movement."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class PersonKind(enum.StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    PARTNER = "partner"


class Person(Base):
    """Someone in the movement, known by a pseudonymous reference.

    ``ref`` is the organiser's own pseudonymous id (the ``id`` column of an
    import); the integer primary key never leaves the database. Consent flags
    carry the time they were last set so a withdrawal is dated.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(80), index=True)
    kind: Mapped[PersonKind] = mapped_column(
        enum_column(PersonKind, "person_kind"), default=PersonKind.CITIZEN
    )
    # Where the movement may write to them (notifications, digests), only with consent_contact.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_analytics: Mapped[bool] = mapped_column(default=False)
    consent_analytics_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"Person(ref={self.ref!r}, town={self.town!r}, kind={self.kind.value!r})"


class Tie(Base):
    """A relationship between two people (stored once, read as undirected by default)."""

    __tablename__ = "ties"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "kind"),
        CheckConstraint("source_id <> target_id", name="no_self_tie"),
        CheckConstraint("weight > 0", name="positive_weight"),
        Index("ix_ties_target_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), default="knows")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(String(32), default="import")
    observed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    source: Mapped[Person] = relationship(foreign_keys=[source_id])
    target: Mapped[Person] = relationship(foreign_keys=[target_id])


class Recruitment(Base):
    """Who brought whom into the movement; each person has at most one recruiter."""

    __tablename__ = "recruitments"
    __table_args__ = (CheckConstraint("recruiter_id <> recruit_id", name="no_self_recruit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    recruit_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    at: Mapped[datetime | None] = mapped_column(UTCDateTime())
