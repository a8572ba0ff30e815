"""Community conversations: a question, people's statements and their votes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class Moderation(enum.StrEnum):
    PRE = "pre"  # statements wait for a moderator before anyone sees them
    POST = "post"  # statements show at once; a moderator may remove them


class StatementStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(160))
    question: Mapped[str] = mapped_column(Text)
    moderation: Mapped[Moderation] = mapped_column(
        enum_column(Moderation, "moderation"), default=Moderation.POST
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the worker's close_conversations job closes it; None: open until closed by hand.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Participant(Base):
    """A pseudonymous participant of one conversation (``pid`` as in Pol.is).

    ``key_hash`` is the SHA-256 of the anonymous participant key (never the key
    itself); imported Pol.is participants and erased people have none.
    """

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("conversation_id", "pid"),
        UniqueConstraint("conversation_id", "key_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    pid: Mapped[int] = mapped_column(Integer)
    key_hash: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Statement(Base):
    """A short statement (``tid`` as in Pol.is) that participants vote on."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("conversation_id", "tid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    tid: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[StatementStatus] = mapped_column(
        enum_column(StatementStatus, "statement_status"), default=StatementStatus.ACCEPTED
    )
    is_seed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Vote(Base):
    """One vote, append-only: the latest vote of a participant on a statement wins.

    ``value`` follows the Pol.is export: 1 agree, -1 disagree, 0 pass.
    """

    __tablename__ = "votes"
    __table_args__ = (
        CheckConstraint("value IN (-1, 0, 1)", name="value_in_range"),
        Index("ix_votes_conversation_participant", "conversation_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
