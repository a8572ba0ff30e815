"""Personal join links: each person's own link, so whoever joins through it is their recruit.

A person has at most one link; its ``code`` is random and URL-safe (the
address ``/join/<code>``), unguessable, and says nothing about whose it is.
``joins`` counts the people who joined through it (a new person each).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, utcnow

__all__ = ["JoinLink"]


class JoinLink(Base):
    """One person's join link (deleted with the person)."""

    __tablename__ = "join_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    joins: Mapped[int] = mapped_column(Integer, default=0)
