"""Who hosts an event and who said they would come (RSVPs, with a private link each)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class RsvpStatus(enum.StrEnum):
    GOING = "going"
    WAITING = "waiting"  # the event was full: offered a place when someone cancels
    CANCELLED = "cancelled"


class EventHost(Base):
    """One host of an event (an event may have several)."""

    __tablename__ = "event_hosts"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class Rsvp(Base):
    """Someone's answer to an event, with the least data that serves it.

    Email and phone are optional and held for this event only (to reach them
    about it, and only with ``consent_contact``); ``token_hash`` is the SHA-256
    of the private link given at RSVP, so the link itself is never stored.
    A walk-in added at the door gets an RSVP row too (``walk_in``), so hosts see
    one list.
    """

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[RsvpStatus] = mapped_column(
        enum_column(RsvpStatus, "rsvp_status"), default=RsvpStatus.GOING
    )
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    accessibility: Mapped[str | None] = mapped_column(String(500))
    walk_in: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
