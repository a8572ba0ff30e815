"""The outbox's public side: enqueue email and jobs in the caller's transaction; list and retry.

``enqueue_email`` and ``enqueue_job`` only add a row to the session they are
given, so the message or job commits with the action that causes it and is
rolled back with it (the transactional outbox; ``groundswell.store.models.outbox``).
The worker (``groundswell.actions.worker``) sends and runs them later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    NotificationOptOut,
    OutboxJob,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)

__all__ = [
    "OutboxRow",
    "address_hash",
    "check_address",
    "do_retry",
    "enqueue_email",
    "enqueue_job",
    "list_outbox",
    "template_exists",
]

# email/<name>.txt and .html under the web templates, read as files (actions sit below the web).
EMAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates" / "email"


def template_exists(template: str) -> bool:
    """Whether ``email/<template>.txt`` ships with Groundswell (the .html part is optional)."""
    if not template or "/" in template or "\\" in template or template.startswith("."):
        return False
    return (EMAIL_TEMPLATES / f"{template}.txt").is_file()


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept in a message's context")


def address_hash(address: str) -> str:
    """How an address is kept in the opt-out list: SHA-256 of it, lower-cased."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def check_address(to: str) -> str:
    """The address, trimmed; InvalidInput unless it looks like one address."""
    to = to.strip()
    local, at, domain = to.rpartition("@")
    odd = any(c in to for c in " <>,\r\n")
    if odd or not at or not local or "." not in domain or len(to) > 254:
        raise InvalidInput(f"{to!r} is not an email address; give one such as name@example.org")
    return to


def enqueue_email(
    session: Session,
    *,
    to: str,
    kind: str,
    subject: str,
    template: str,
    context: dict[str, object],
    person_id: int | None = None,
    user_id: int | None = None,
    not_before: datetime | None = None,
) -> int:
    """Add one email to the outbox in the caller's transaction; return its id.

    ``template`` names ``email/<template>.txt`` (and ``.html``) under the web
    templates; ``context`` must be JSON (dates become ISO text). ``kind`` is
    what a person turns off on their preferences page. Nothing is sent until
    the caller commits and the worker runs.
    """
    if not template_exists(template):
        raise InvalidInput(f"no email template {template!r}; add email/{template}.txt")
    if not kind or len(kind) > 40:
        raise InvalidInput(f"message kind {kind!r} must be 1 to 40 characters")
    if not_before is not None and not_before.tzinfo is None:
        raise InvalidInput("not_before must be timezone-aware (use datetime.now(UTC))")
    row = OutboxMessage(
        kind=kind,
        to_address=check_address(to),
        subject=" ".join(subject.split())[:200],  # one line: a header cannot hold a newline
        template=template,
        context=json.dumps(context, default=_jsonable, sort_keys=True),
        person_id=person_id,
        user_id=user_id,
        status=OutboxStatus.QUEUED,
        attempts=0,
        not_before=not_before or utcnow(),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row.id


def enqueue_job(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime,
    dedupe_key: str | None = None,
) -> int:
    """Add a job due at ``run_at`` in the caller's transaction; return its id.

    A job with the same ``dedupe_key`` is one job: the existing row's id is
    returned and nothing is added, even when two transactions race (the
    unique key decides, inside a savepoint so the caller's work survives).
    """
    if run_at.tzinfo is None:
        raise InvalidInput("run_at must be timezone-aware (use datetime.now(UTC))")
    if dedupe_key is not None:
        found = session.scalar(select(OutboxJob.id).where(OutboxJob.dedupe_key == dedupe_key))
        if found is not None:
            return found
    row = OutboxJob(
        kind=kind,
        payload=json.dumps(payload, default=_jsonable, sort_keys=True),
        run_at=run_at,
        dedupe_key=dedupe_key,
        status=OutboxStatus.QUEUED,
        attempts=0,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = session.scalar(select(OutboxJob.id).where(OutboxJob.dedupe_key == dedupe_key))
        if found is None:
            raise
        return found
    return row.id


def opted_out(session: Session, address: str, kind: str) -> bool:
    """Whether ``address`` has turned off ``kind`` (or everything)."""
    found = session.scalar(
        select(func.count())
        .select_from(NotificationOptOut)
        .where(
            NotificationOptOut.address_hash == address_hash(address),
            NotificationOptOut.kind.in_((kind, "*")),
        )
    )
    return bool(found)


@dataclass(frozen=True)
class OutboxRow:
    """One message as an organiser sees it on ``/admin/outbox`` and in ``outbox list``."""

    id: int
    kind: str
    to: str
    subject: str
    status: str
    attempts: int
    not_before: datetime
    sent_at: datetime | None
    last_error: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "to": self.to,
            "subject": self.subject,
            "status": self.status,
            "attempts": self.attempts,
            "not_before": self.not_before.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "last_error": self.last_error,
        }


def list_outbox(db: Database, *, status: str | None = None, limit: int = 200) -> list[OutboxRow]:
    """The newest messages, optionally of one status (``dead``: the dead-letter view)."""
    statuses = {s.value for s in OutboxStatus}
    if status is not None and status not in statuses:
        raise InvalidInput(f"status {status!r} is not one of {', '.join(sorted(statuses))}")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    with db.reading() as session:
        return [
            OutboxRow(
                m.id,
                m.kind,
                m.to_address,
                m.subject,
                m.status.value,
                m.attempts,
                m.not_before,
                m.sent_at,
                m.last_error,
            )
            for m in session.scalars(query)
        ]


def do_retry(db: Database, message_id: int) -> OutboxRow:
    """Queue a dead (or skipped) message again, now, with a fresh count of attempts.

    It keeps its id, so it is sent with the same Message-ID.
    """
    with db.transaction() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            raise NotFound(f"no outbox message {message_id}; see groundswell outbox list")
        if row.status not in (OutboxStatus.DEAD, OutboxStatus.SKIPPED):
            raise Conflict(
                f"outbox message {message_id} is {row.status.value}; only a dead or "
                "skipped message can be retried"
            )
        row.status = OutboxStatus.QUEUED
        row.attempts = 0
        row.not_before = utcnow()
        row.lease_until = None
        return OutboxRow(
            row.id,
            row.kind,
            row.to_address,
            row.subject,
            row.status.value,
            row.attempts,
            row.not_before,
            row.sent_at,
            row.last_error,
        )
