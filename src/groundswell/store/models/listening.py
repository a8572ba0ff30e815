"""Listening events and what they hear: tables, hosts, harvest notes, imported comments.

A listening event is a hosted conversation: people sit at tables (or join
sessions) around one question, and a host or note-taker types what was said as
harvest notes. Comments arriving by other channels (a Friends and Family Test
export, a feedback form) are imported beside them. Notes and comments pass the
personal-data check (``groundswell.stories.detect``) before anyone else sees
them: one the check flags is stored ``pending`` and only an organiser can
release or reject it (``groundswell.actions.listening_visibility``). The flags
themselves are not stored: the check is pure, so it runs again wherever the
reasons are shown.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class ListeningStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class NoteStatus(enum.StrEnum):
    """Where a note or comment stands at the personal-data gate."""

    PENDING = "pending"  # flagged by the check: held for an organiser, shown to nobody else
    VISIBLE = "visible"
    REJECTED = "rejected"


class NoteSource(enum.StrEnum):
    TYPED = "typed"
    IMPORT = "import"


class ListeningEvent(Base):
    """One hosted conversation around a question, linked to an event when there is one."""

    __tablename__ = "listening_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    question: Mapped[str] = mapped_column(Text)
    # Extra prompts beyond the main question, in the order they are asked.
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    town: Mapped[str | None] = mapped_column(String(80))
    held_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ListeningStatus] = mapped_column(
        enum_column(ListeningStatus, "listening_status"), default=ListeningStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ListeningTable(Base):
    """A table or session of a listening event (e.g. "Table 1", "Session A: transport")."""

    __tablename__ = "listening_tables"
    __table_args__ = (UniqueConstraint("listening_event_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listening_event_id: Mapped[int] = mapped_column(
        ForeignKey("listening_events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ListeningHost(Base):
    """An account allowed to add notes to an event (organisers always may)."""

    __tablename__ = "listening_hosts"
    __table_args__ = (UniqueConstraint("listening_event_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listening_event_id: Mapped[int] = mapped_column(
        ForeignKey("listening_events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("listening_tables.id", ondelete="SET NULL"), index=True
    )


class HarvestNote(Base):
    """What was said at a table, typed by a host or imported from a typed-up flipchart."""

    __tablename__ = "harvest_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listening_event_id: Mapped[int] = mapped_column(
        ForeignKey("listening_events.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("listening_tables.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[NoteSource] = mapped_column(
        enum_column(NoteSource, "note_source"), default=NoteSource.TYPED
    )
    status: Mapped[NoteStatus] = mapped_column(
        enum_column(NoteStatus, "note_status"), default=NoteStatus.PENDING, index=True
    )
    town: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Comment(Base):
    """A comment imported from another channel, e.g. a Friends and Family Test answer."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    text: Mapped[str] = mapped_column(Text)
    town: Mapped[str | None] = mapped_column(String(80))
    received_on: Mapped[date | None] = mapped_column(Date)
    # NULLs never collide in a unique constraint (both databases), so comments
    # without an id are never refused as duplicates.
    external_id: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[NoteStatus] = mapped_column(
        enum_column(NoteStatus, "comment_status"), default=NoteStatus.PENDING, index=True
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
