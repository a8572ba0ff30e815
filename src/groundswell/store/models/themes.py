"""Themes found across what people told us, as an organiser curates them.

A run of the themes engine (``groundswell.themes``) over the texts gathered
from harvest notes, imported comments, conversation statements and
published stories writes one ``theme_runs`` row, its ``themes`` and one
``theme_items`` row per text. The latest run is the current one; renaming,
merging, splitting, moving a text and linking a theme to an initiative edit
the rows of that run. Items point at their source by (``source``,
``source_id``) rather than a foreign key, so a run keeps its shape across the
four source tables; whether a text may be shown is decided again whenever it
is read (``groundswell.actions.themes_gather``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class ThemeStatus(enum.StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # folded into ``merged_into_id``; its items moved there


class ThemeRun(Base):
    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    requested_n: Mapped[int | None] = mapped_column(Integer)
    texts: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    actor: Mapped[str] = mapped_column(String(80))


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(160))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[ThemeStatus] = mapped_column(
        enum_column(ThemeStatus, "theme_status"), default=ThemeStatus.ACTIVE
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )
    # "We are acting on this": shown on the public "you said, we did" page.
    acting_on: Mapped[bool] = mapped_column(default=False)
    what_changed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThemeItem(Base):
    """One gathered text in a run: its theme (None: unthemed) and where it came from."""

    __tablename__ = "theme_items"
    __table_args__ = (UniqueConstraint("run_id", "source", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(Integer)
