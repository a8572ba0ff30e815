"""The co-production log of an initiative and the history of its power mode."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow
from groundswell.store.models.initiatives import PowerMode


class DecisionMethod(enum.StrEnum):
    """How a decision was reached: by staff alone, after consultation, or co-produced."""

    STAFF_DECISION = "staff_decision"
    CONSULTATION = "consultation"
    CO_PRODUCED = "co_produced"


class CoproductionDecision(Base):
    """What was decided, by whom, with whom and by which method.

    ``by_whom`` and ``with_whom`` are free text (roles or groups, not person
    links), so the log never needs rewriting when someone is erased.
    """

    __tablename__ = "coproduction_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    decided_on: Mapped[date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(Text)
    by_whom: Mapped[str] = mapped_column(String(160))
    with_whom: Mapped[str] = mapped_column(String(160), default="")
    method: Mapped[DecisionMethod] = mapped_column(enum_column(DecisionMethod, "decision_method"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InitiativeModeChange(Base):
    """One shift of an initiative's power mode (from is NULL when first set)."""

    __tablename__ = "initiative_mode_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    from_mode: Mapped[PowerMode | None] = mapped_column(enum_column(PowerMode, "from_power_mode"))
    to_mode: Mapped[PowerMode] = mapped_column(enum_column(PowerMode, "to_power_mode"))
    changed_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
