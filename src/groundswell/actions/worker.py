"""The worker: deliver due email and run due jobs, at least once, at a configured rate.

A worker claims a batch by setting ``status='sending'`` and a lease in one
statement. On PostgreSQL the rows are chosen ``FOR UPDATE SKIP LOCKED``, so
several workers share the queue without taking the same rows; SQLite has one
writer at a time, so its single statement is atomic anyway. A worker killed
mid-batch leaves its rows ``sending``; once their lease runs out another
claims them and sends them again with the same Message-ID (at-least-once:
only the in-flight batch can be sent twice, never a message lost).

Every outcome is written only while the row is still this worker's: its
status is ``sending`` and its lease is the one this worker set. A worker
that outlives its lease (a slow mail server, a paused machine) has lost the
rows to whoever claimed them next, and its late "sent" or "retry" must not
overwrite theirs: that would re-queue a message already delivered, or mark
one sent that the new owner is still retrying.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.outbox import address_hash
from groundswell.mail.compose import ESSENTIAL_KINDS, MailConfig, Outgoing, backoff, build
from groundswell.mail.transport import Transport
from groundswell.store.models import (
    NotificationOptOut,
    OutboxJob,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)

log = logging.getLogger("groundswell.worker")

__all__ = ["Pass", "WorkerConfig", "claim_messages", "deliver_due", "run_once"]


@dataclass(frozen=True)
class WorkerConfig:
    mail: MailConfig
    transport: Transport
    per_second: float = 50.0
    attempts: int = 8
    batch: int = 200
    lease: timedelta = timedelta(minutes=5)
    # Runs a due job: (db, kind, payload JSON, now) -> None; raises to retry it later.
    run_job: Callable[[Database, str, str, datetime], None] | None = None


@dataclass
class Pass:
    """What one pass did: counts for the CLI and the tests."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    jobs_done: int = 0
    jobs_failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Pass) -> None:
        for name in ("sent", "retried", "dead", "skipped", "jobs_done", "jobs_failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "dead": self.dead,
            "skipped": self.skipped,
            "jobs_done": self.jobs_done,
            "jobs_failed": self.jobs_failed,
        }


def _message_claimable(now: datetime) -> ColumnElement[bool]:
    # Queued and due, or claimed by a worker whose lease has run out (it died mid-batch).
    return or_(
        and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.not_before <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )


def _job_claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxJob.status == OutboxStatus.QUEUED, OutboxJob.run_at <= now),
        and_(OutboxJob.status == OutboxStatus.SENDING, OutboxJob.lease_until < now),
    )


def claim_messages(session: Session, now: datetime, limit: int, lease: timedelta) -> list[int]:
    """Claim up to ``limit`` due messages for this worker; return their ids, oldest first."""
    chosen = (
        select(OutboxMessage.id)
        .where(_message_claimable(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen))
        .values(
            status=OutboxStatus.SENDING,
            lease_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.scalars())


def _finish(session: Session, changes: list[dict[str, object]], lease_until: datetime) -> None:
    """Record each outcome, on rows this worker still holds (status and lease unchanged)."""
    if not changes:
        return
    table = cast(Table, OutboxMessage.__table__)  # a mapped class's table is a Table
    session.execute(
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == OutboxStatus.SENDING,
            table.c.lease_until == lease_until,
        )
        .values(
            status=bindparam("new_status"),
            not_before=bindparam("new_not_before"),
            sent_at=bindparam("new_sent_at"),
            last_error=bindparam("new_error"),
            context=bindparam("new_context"),
            lease_until=None,
        ),
        changes,
    )


def deliver_due(db: Database, config: WorkerConfig, now: datetime | None = None) -> Pass:
    """Claim one batch of due messages, send it, and record each message's outcome."""
    now = now or utcnow()
    lease_until = now + config.lease
    done = Pass()
    with db.transaction() as session:
        ids = claim_messages(session, now, config.batch, config.lease)
        if not ids:
            return done
        rows = session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.to_address,
                OutboxMessage.subject,
                OutboxMessage.template,
                OutboxMessage.context,
                OutboxMessage.attempts,
            ).where(OutboxMessage.id.in_(ids))
        ).all()
        hashes = {address_hash(r.to_address) for r in rows}
        optouts = {
            (h, k)
            for h, k in session.execute(
                select(NotificationOptOut.address_hash, NotificationOptOut.kind).where(
                    NotificationOptOut.address_hash.in_(hashes)
                )
            )
        }
    changes: list[dict[str, object]] = []
    sending: list[tuple[int, int, str]] = []  # (row id, attempts, context)
    messages = []
    for r in rows:
        h = address_hash(r.to_address)
        # Essential mail (a reset link someone asked for, a safeguarding referral) is
        # never one a person turns off: an opt-out must not lock anyone out.
        if r.kind not in ESSENTIAL_KINDS and ((h, r.kind) in optouts or (h, "*") in optouts):
            changes.append(_change(r.id, OutboxStatus.SKIPPED, now, error="turned off by them"))
            done.skipped += 1
            continue
        try:
            messages.append(
                build(
                    config.mail,
                    Outgoing(r.id, r.kind, r.to_address, r.subject, r.template, r.context),
                )
            )
        except Exception as exc:  # a template that cannot render will not render on a retry
            log.exception("outbox message %s cannot be built", r.id)
            changes.append(_change(r.id, OutboxStatus.DEAD, now, context=r.context, error=exc))
            done.dead += 1
            continue
        sending.append((r.id, r.attempts, r.context))
    results = config.transport.send(messages) if messages else []
    sent_at = utcnow()
    for (row_id, attempts, context), error in zip(sending, results, strict=True):
        if error is None:
            changes.append(_change(row_id, OutboxStatus.SENT, now, sent_at=sent_at))
            done.sent += 1
        elif attempts >= config.attempts:
            changes.append(_change(row_id, OutboxStatus.DEAD, now, context=context, error=error))
            done.dead += 1
            done.errors.append(error)
        else:
            retry_at = sent_at + backoff(attempts)
            changes.append(
                _change(row_id, OutboxStatus.QUEUED, retry_at, context=context, error=error)
            )
            done.retried += 1
            done.errors.append(error)
    with db.transaction() as session:
        _finish(session, changes, lease_until)
    return done


def _change(
    row_id: int,
    status: OutboxStatus,
    not_before: datetime,
    *,
    sent_at: datetime | None = None,
    context: str = "{}",
    error: object = None,
) -> dict[str, object]:
    # A sent message keeps no context: what it said is in the recipient's inbox, not here.
    return {
        "row_id": row_id,
        "new_status": status,
        "new_not_before": not_before,
        "new_sent_at": sent_at,
        "new_error": None if error is None else str(error)[:500],
        "new_context": context,
    }


def claim_job(session: Session, now: datetime, lease: timedelta) -> OutboxJob | None:
    """Claim the oldest due job (or one whose worker died), or None."""
    chosen = (
        select(OutboxJob.id)
        .where(_job_claimable(now))
        .order_by(OutboxJob.run_at, OutboxJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    job_id = session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == chosen)
        .values(
            status=OutboxStatus.SENDING, lease_until=now + lease, attempts=OutboxJob.attempts + 1
        )
        .returning(OutboxJob.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    return None if job_id is None else session.get(OutboxJob, job_id)


def _still_held(job_id: int, lease_until: datetime) -> ColumnElement[bool]:
    # Only the worker whose lease is on the row records the job's outcome (see the
    # module docstring): a late finish after a re-claim leaves the new owner's state.
    return and_(
        OutboxJob.id == job_id,
        OutboxJob.status == OutboxStatus.SENDING,
        OutboxJob.lease_until == lease_until,
    )


def run_due_jobs(db: Database, config: WorkerConfig, now: datetime, limit: int = 50) -> Pass:
    """Run due jobs one at a time, each in its handler's own transaction."""
    done = Pass()
    lease_until = now + config.lease
    if config.run_job is None:
        return done
    for _ in range(limit):
        with db.transaction() as session:
            job = claim_job(session, now, config.lease)
            if job is None:
                break
            job_id, kind, payload, attempts = job.id, job.kind, job.payload, job.attempts
        try:
            config.run_job(db, kind, payload, now)
        except Exception as exc:
            log.exception("job %s (%s) failed", job_id, kind)
            dead = attempts >= config.attempts
            with db.transaction() as session:
                session.execute(
                    update(OutboxJob)
                    .where(_still_held(job_id, lease_until))
                    .values(
                        status=OutboxStatus.DEAD if dead else OutboxStatus.QUEUED,
                        run_at=utcnow() + backoff(attempts),
                        lease_until=None,
                        last_error=str(exc)[:500],
                    )
                )
            done.jobs_failed += 1
            done.errors.append(f"job {job_id} ({kind}): {exc}")
            continue
        with db.transaction() as session:
            session.execute(
                update(OutboxJob)
                .where(_still_held(job_id, lease_until))
                .values(status=OutboxStatus.SENT, finished_at=utcnow(), lease_until=None)
            )
        done.jobs_done += 1
    return done


def run_once(db: Database, config: WorkerConfig, *, now: datetime | None = None) -> Pass:
    """Everything due now: jobs first (they may enqueue mail), then every due message,
    no faster than ``per_second``."""
    total = run_due_jobs(db, config, now or utcnow())
    while True:
        started = time.monotonic()
        batch = deliver_due(db, config, now)
        total.add(batch)
        handled = batch.sent + batch.retried + batch.dead + batch.skipped
        if handled == 0:
            return total
        # Throttle: a batch of n takes at least n / per_second seconds.
        wait = handled / config.per_second - (time.monotonic() - started)
        if wait > 0:
            time.sleep(wait)
