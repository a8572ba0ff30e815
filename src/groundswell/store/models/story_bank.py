"""The story bank around ``Story``: flags, consent trail, responses, review, training packs.

Every table here hangs off ``stories.id`` and none refers to a person: when a
story is erased with its storyteller, its flags, trail, responses, tags and
review go with it (ON DELETE CASCADE), and a pack keeps an empty slot that says
a story was removed (ON DELETE SET NULL).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    EDITED = "edited"  # the text was changed and the flag no longer applies
    ACCEPTED = "accepted"  # a moderator marked it acceptable, with a reason


class Criticality(enum.StrEnum):
    ROUTINE = "routine"
    CONCERN = "concern"
    SERIOUS = "serious"
    SAFEGUARDING = "safeguarding"  # routed to the safeguarding contact


class ChangeMarker(enum.StrEnum):
    NONE = "none"
    PLANNED = "planned"
    MADE = "made"


class StoryTag(Base):
    """An impact-area tag the storyteller chose (e.g. 'communication')."""

    __tablename__ = "story_tags"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)


class StoryFlag(Base):
    """One personal-data flag from the check, and how a moderator resolved it."""

    __tablename__ = "story_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    status: Mapped[FlagStatus] = mapped_column(
        enum_column(FlagStatus, "story_flag_status"), default=FlagStatus.OPEN
    )
    reason: Mapped[str | None] = mapped_column(String(280))
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StoryEvent(Base):
    """One step of a story's consent trail: who did what, and the state after it."""

    __tablename__ = "story_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_role: Mapped[str] = mapped_column(String(20))  # storyteller, moderator, curator
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    consent: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(280))


class StoryResponse(Base):
    """A staff response to a story."""

    __tablename__ = "story_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoryReview(Base):
    """A moderator's view of a story: criticality, who it was routed to, and change made."""

    __tablename__ = "story_reviews"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    criticality: Mapped[Criticality] = mapped_column(
        enum_column(Criticality, "story_criticality"), default=Criticality.ROUTINE
    )
    routed_to: Mapped[str | None] = mapped_column(String(120))
    change: Mapped[ChangeMarker] = mapped_column(
        enum_column(ChangeMarker, "story_change"), default=ChangeMarker.NONE
    )
    change_note: Mapped[str | None] = mapped_column(String(280))
    # SHA-256 of the secret the storyteller keeps to withdraw without an account.
    withdraw_key_hash: Mapped[str | None] = mapped_column(String(64))


class SafeguardingContact(Base):
    """The named person safeguarding concerns go to, for one service or (service NULL) all."""

    __tablename__ = "safeguarding_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    service: Mapped[str | None] = mapped_column(String(80), unique=True)


class TrainingPack(Base):
    __tablename__ = "training_packs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    audience: Mapped[str | None] = mapped_column(String(160))
    learning_points: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PackItem(Base):
    """A story in a pack; ``removed_at`` set (and the story link gone) once it may not be used."""

    __tablename__ = "pack_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[int] = mapped_column(
        ForeignKey("training_packs.id", ondelete="CASCADE"), index=True
    )
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    learning_point: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_reason: Mapped[str | None] = mapped_column(String(80))
