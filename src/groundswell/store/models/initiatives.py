"""Initiatives of both hands, their members, actions/events and pledges."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class Hand(enum.StrEnum):
    """Left hand: grassroots initiatives; right hand: a re-humanised system."""

    GRASSROOTS = "grassroots"
    SYSTEM = "system"


class PowerMode(enum.StrEnum):
    """Keeping (targets, inspection) -> sharing (improvement) -> ceding (co-production)."""

    KEEPING = "keeping"
    SHARING = "sharing"
    CEDING = "ceding"


class MemberRole(enum.StrEnum):
    MEMBER = "member"
    HOST = "host"
    LEADER = "leader"
    SPONSOR = "sponsor"


class PledgeStatus(enum.StrEnum):
    MADE = "made"
    SHARED = "shared"
    DONE = "done"


class Initiative(Base):
    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    hand: Mapped[Hand] = mapped_column(enum_column(Hand, "hand"))
    power_mode: Mapped[PowerMode] = mapped_column(enum_column(PowerMode, "power_mode"))
    town: Mapped[str | None] = mapped_column(String(80))
    started_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("initiative_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(
        enum_column(MemberRole, "member_role"), default=MemberRole.MEMBER
    )
    joined_on: Mapped[date | None] = mapped_column(Date)
    # Leaving keeps the row (history for the ladder and the leadership index);
    # current members are those with no ``left_on``. Rejoining reopens the row.
    left_on: Mapped[date | None] = mapped_column(Date)


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"


class Event(Base):
    """An action or gathering: who led it and when (attendance is separate).

    ``held_on`` is the day it starts (``starts_at``'s date), kept for the
    reports that count by day; events recorded before RSVPs existed (the demo,
    older imports) have a day and no times, slug or hosts beyond ``led_by``.
    Hosts are in ``event_hosts`` and RSVPs in ``rsvps``
    (``groundswell.store.models.events``).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32), default="gathering")
    held_on: Mapped[date] = mapped_column(Date, index=True)
    town: Mapped[str | None] = mapped_column(String(80))
    led_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    capacity: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    # An event recorded without a status (the demo, a log of past actions) was held;
    # one created to invite people to starts ``scheduled`` (actions.events).
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.HELD
    )
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)


class Attendance(Base):
    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="attendee")
    # When and how they were counted in: door (ticked off an RSVP), walk_in, sheet
    # (a paper sign-in sheet imported); NULL for attendance recorded before check-in.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str | None] = mapped_column(String(16))
    # Who brought them (a walk-in who came with someone): evidence of mobilising.
    brought_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Pledge(Base):
    """A commitment that moves made -> shared -> done, each step dated."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(String(280))
    status: Mapped[PledgeStatus] = mapped_column(
        enum_column(PledgeStatus, "pledge_status"), default=PledgeStatus.MADE
    )
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
