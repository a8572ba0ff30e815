"""Campaigns (challenges such as a mile a day), activity logs and surveys."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class CampaignUnit(enum.StrEnum):
    MILES = "miles"
    MINUTES = "minutes"
    YES_NO = "yes_no"


class Instrument(enum.StrEnum):
    SWEMWBS = "swemwbs"
    ONS4 = "ons4"


class CollectionMode(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    unit: Mapped[CampaignUnit] = mapped_column(enum_column(CampaignUnit, "campaign_unit"))
    daily_target: Mapped[float] = mapped_column(Float, default=1.0)
    group_goal: Mapped[float | None] = mapped_column(Float)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    # Days are local dates: a log at 00:30 BST counts on that morning's date.
    timezone: Mapped[str] = mapped_column(
        String(64), default="Europe/London", server_default="Europe/London"
    )


class CampaignMember(Base):
    """A person taking part in a campaign, with their team or neighbourhood if any."""

    __tablename__ = "campaign_members"
    __table_args__ = (UniqueConstraint("campaign_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team: Mapped[str | None] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivityLog(Base):
    """One person's total for one day of a campaign."""

    __tablename__ = "activity_logs"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id", "day"),
        CheckConstraint("amount >= 0", name="non_negative_amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(16), default="web")
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyResponse(Base):
    """Answers to a wellbeing instrument, per person per date, with the mode of collection."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("person_id", "instrument", "answered_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[Instrument] = mapped_column(enum_column(Instrument, "instrument"))
    answered_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[CollectionMode] = mapped_column(
        enum_column(CollectionMode, "collection_mode"), default=CollectionMode.ONLINE
    )
    answers: Mapped[list[int]] = mapped_column(JSON)
    # When the person agreed to these answers being stored and used (null: not recorded).
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
