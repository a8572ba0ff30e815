"""The outbox: email and jobs written in the same transaction as the action that causes them.

A row here is the promise to send a message or run a job; the worker
(``groundswell worker``) keeps it. Because the row commits or rolls back
with the action, nothing is sent for a rolled-back action and nothing is
lost for a committed one (the transactional outbox pattern:
https://microservices.io/patterns/data/transactional-outbox.html).

``lease_until`` is how a worker claims rows: a row whose lease has run out
(its worker was killed mid-batch) is claimed again and resent with the same
Message-ID, so delivery is at least once.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow

__all__ = [
    "NotificationOptOut",
    "OutboxJob",
    "OutboxMessage",
    "OutboxStatus",
    "StatementAuthor",
    "StoryContact",
]


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for not_before / run_at, or for a retry
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # delivered (a job: done)
    DEAD = "dead"  # gave up after the most attempts; an organiser may retry it
    SKIPPED = "skipped"  # the person had turned this kind off by the time it was due


class OutboxMessage(Base):
    """One email to one address, rendered from a template when it is sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(80))
    # JSON of the template's context: what the message says, kept only until it is sent.
    context: Mapped[str] = mapped_column(Text, default="{}")
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


class OutboxJob(Base):
    """Work to do at ``run_at``: a scheduled job (digest, reminder, purge) or a deferred one.

    ``dedupe_key`` makes enqueueing the same job twice (two requests, two
    scheduler ticks) one row.
    """

    __tablename__ = "outbox_jobs"
    __table_args__ = (Index("ix_outbox_jobs_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    run_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_job_status"), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


class NotificationOptOut(Base):
    """A kind of message an address does not want (``*``: none at all).

    Keyed by a hash of the lower-cased address, so an unsubscribe works for
    anyone we write to (a storyteller without an account, a safeguarding
    contact) without keeping a list of addresses.
    """

    __tablename__ = "notification_optouts"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoryContact(Base):
    """The address a storyteller chose to hear about their story at (none: no row)."""

    __tablename__ = "story_contacts"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))


class StatementAuthor(Base):
    """The account that added a statement while signed in: told when it is moderated.

    Keyed to the account, not the person, so a statement's votes stay
    pseudonymous; it goes with the account (and so with an erased person's).
    """

    __tablename__ = "statement_authors"

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
