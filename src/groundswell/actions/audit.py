"""The audit trail of access to personal data: one row per read, export or grant.

UK GDPR Article 5(2) (accountability) and the NHS Data Security and
Protection Toolkit (standard 1: access to personal data is logged) ask that a
controller can show who saw which records. Every read of personal data (people
lists, member names, story reviews, role tables, exports) and every change to
who may read it (grants, revokes, account links) writes one ``audit_events``
row: one per request, naming the actor, what was read and how many rows, never
one per person, so auditing stays cheap.

The row is written in the same transaction as the read or write where the
action owns one, or (a page built from several reads) in a short transaction
of its own before the page is sent (``do_record_access``), so a read whose
audit cannot be written fails rather than going unrecorded.
"""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.store.models import AuditEvent, utcnow


def operator() -> str:
    """The operating-system user running this process: the actor at the command line."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


def record_access(
    session: Session,
    actor: str,
    action: str,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit row to ``session`` (the caller commits, with its own work)."""
    event = AuditEvent(
        at=utcnow(),
        actor=(actor or "unknown")[:80],
        action=action[:48],
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id)[:64],
        detail=detail or {},
    )
    session.add(event)
    return event


def do_record_access(
    db: Database,
    actor: str,
    action: str,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a read that ran in other sessions (a page built from several actions)."""
    with db.transaction() as session:
        record_access(session, actor, action, subject_type, subject_id, detail)
