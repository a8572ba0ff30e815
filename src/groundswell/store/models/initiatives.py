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


class Event(Base):
    """An action or gathering: who led it and when (attendance is separate)."""

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


class Attendance(Base):
    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="attendee")


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
