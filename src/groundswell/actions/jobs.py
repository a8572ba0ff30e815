"""Scheduled jobs the worker runs: what each kind does, and when the recurring ones are due.

Recurring jobs are ordinary outbox jobs with a dedupe key naming their
occurrence (``digest:2026-W49``, ``privacy_purge:2026-12-05``), so every
worker pass can ask for the next ones and only one row each is ever made.
Jobs due once (an event's reminder) are enqueued by the action that causes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.account_tokens import sweep_account_tokens
from groundswell.actions.accounts import SWEEP_IDLE, SWEEP_LIFETIME
from groundswell.actions.notifications import contact_for, notify_event_stage
from groundswell.actions.outbox import enqueue_email, enqueue_job
from groundswell.auth.throttle import FORGET_AFTER
from groundswell.errors import InvalidInput
from groundswell.store.models import (
    Conversation,
    OutboxJob,
    OutboxMessage,
    OutboxStatus,
    Pledge,
    PledgeStatus,
    SignInThrottle,
    UserSession,
)

# Sent messages and finished jobs are kept this long for the outbox page, then deleted:
# their rows say who was written to, which is personal data kept no longer than useful.
KEEP_SENT = timedelta(days=30)
# A pledge not done after this long gets one nudge (and only one: the dedupe key).
NUDGE_AFTER = timedelta(days=14)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 8  # UTC


def close_conversations(db: Database, payload: dict[str, Any], now: datetime) -> None:
    """Close every conversation whose end date has come."""
    with db.transaction() as session:
        session.execute(
            update(Conversation)
            .where(
                Conversation.closes_at.is_not(None),
                Conversation.closes_at <= now,
                Conversation.closed_at.is_(None),
            )
            .values(closed_at=Conversation.closes_at)
        )


def privacy_purge(db: Database, payload: dict[str, Any], now: datetime) -> None:
    """The deletions the privacy policy promises: sessions no server could accept, sign-in
    throttles a day after the last failure, emailed account links a week after they
    expire, and sent mail and finished jobs after 30 days."""
    with db.transaction() as session:
        sweep_account_tokens(session, now)
        session.execute(
            delete(UserSession).where(
                (UserSession.created_at <= now - SWEEP_LIFETIME)
                | (UserSession.last_seen_at <= now - SWEEP_IDLE)
            )
        )
        session.execute(
            delete(SignInThrottle).where(SignInThrottle.last_failure_at <= now - FORGET_AFTER)
        )
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.SKIPPED)),
                OutboxMessage.created_at <= now - KEEP_SENT,
            )
        )
        session.execute(
            delete(OutboxJob).where(
                OutboxJob.status == OutboxStatus.SENT, OutboxJob.finished_at <= now - KEEP_SENT
            )
        )


def pledge_nudges(db: Database, payload: dict[str, Any], now: datetime) -> None:
    """One nudge for each pledge made or shared over NUDGE_AFTER ago and not done."""
    with db.transaction() as session:
        pledges = session.execute(
            select(Pledge.id, Pledge.person_id, Pledge.text, Pledge.made_at).where(
                Pledge.status.in_((PledgeStatus.MADE, PledgeStatus.SHARED)),
                Pledge.made_at <= now - NUDGE_AFTER,
            )
        ).all()
        for pledge_id, person_id, text, made_at in pledges:
            key = f"pledge_nudge:{pledge_id}"
            if session.scalar(select(OutboxJob.id).where(OutboxJob.dedupe_key == key)):
                continue
            to = contact_for(session, person_id)
            if to is None:
                continue
            # The marker job records that this pledge was nudged, so it is nudged once.
            enqueue_job(session, kind="noop", payload={}, run_at=now, dedupe_key=key)
            enqueue_email(
                session,
                to=to,
                kind="pledge_nudge",
                subject="How is your pledge going?",
                template="pledge_nudge",
                context={"text": text, "days": (now - made_at).days, "path": "/initiatives"},
                person_id=person_id,
            )


def event_reminder(db: Database, payload: dict[str, Any], now: datetime) -> None:
    with db.transaction() as session:
        notify_event_stage(session, int(payload["rsvp_id"]), str(payload["stage"]), now)


def weekly_digest(db: Database, payload: dict[str, Any], now: datetime) -> None:
    from groundswell.actions.digest import enqueue_digests

    enqueue_digests(db, now=now, since=now - timedelta(days=7))


def noop(db: Database, payload: dict[str, Any], now: datetime) -> None:
    """A marker: its dedupe key records that something happened once."""


JOBS: dict[str, Callable[[Database, dict[str, Any], datetime], None]] = {
    "close_conversations": close_conversations,
    "privacy_purge": privacy_purge,
    "pledge_nudges": pledge_nudges,
    "event_reminder": event_reminder,
    "digest": weekly_digest,
    "noop": noop,
}


def run_job(db: Database, kind: str, payload: str, now: datetime) -> None:
    """Run one job (the worker's ``run_job``); an unknown kind is an error, kept to retry."""
    handler = JOBS.get(kind)
    if handler is None:
        raise InvalidInput(f"no job kind {kind!r}; known kinds: {', '.join(sorted(JOBS))}")
    handler(db, json.loads(payload), now)


def next_digest(now: datetime) -> datetime:
    """The next Monday 08:00 UTC at or after ``now``."""
    day = now.astimezone(UTC).date() + timedelta(days=(DIGEST_WEEKDAY - now.weekday()) % 7)
    at = datetime.combine(day, time(DIGEST_HOUR), tzinfo=UTC)
    return at if at >= now else at + timedelta(days=7)


def schedule(session: Session, now: datetime) -> list[int]:
    """Make sure the recurring jobs have their next occurrence queued (idempotent)."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
    digest = next_digest(now)
    year, week, _ = digest.isocalendar()
    wanted = [
        ("close_conversations", hour, f"close_conversations:{hour:%Y-%m-%dT%H}"),
        ("privacy_purge", now, f"privacy_purge:{now:%Y-%m-%d}"),
        ("pledge_nudges", now, f"pledge_nudges:{now:%Y-%m-%d}"),
        ("privacy_purge", tomorrow, f"privacy_purge:{tomorrow:%Y-%m-%d}"),
        ("digest", digest, f"digest:{year}-W{week:02d}"),
    ]
    return [
        enqueue_job(session, kind=kind, payload={}, run_at=at, dedupe_key=key)
        for kind, at, key in wanted
    ]


def do_schedule(db: Database, now: datetime) -> None:
    with db.transaction() as session:
        schedule(session, now)
