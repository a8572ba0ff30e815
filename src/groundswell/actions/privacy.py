"""Consent registry and audit of access to personal data (erasure: ``actions.erasure``).

Consent
    ``do_record_consent`` appends one row to ``consent_events`` (grant or
    withdrawal, for one purpose) and sets ``Person.consent_contact`` /
    ``consent_analytics`` and their ``_at`` dates to the latest event for those
    purposes, in the same transaction, so pages and imports that read the flags
    agree with the registry. Nothing in Groundswell updates or deletes a consent
    event, except erasure, which removes the person with everything about them.

Audit
    ``record_access`` writes an ``audit_events`` row saying who viewed or
    exported a person's data; subject access exports, pseudonymised exports and
    erasures call it, and pages that show personal data should too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.survey_withdrawal import forget_survey_answers
from groundswell.errors import InvalidInput, NotFound
from groundswell.store.models import ConsentEvent, ConsentPurpose, Person, utcnow

PURPOSES = [p.value for p in ConsentPurpose]


def find_person(session: Session, ref: str) -> Person:
    person = session.scalar(select(Person).where(Person.ref == ref))
    if person is None:
        raise NotFound(f"there is no person with id '{ref}'; check the id (the 'id' column)")
    return person


@dataclass
class ConsentState:
    """A person's current consent per purpose (the latest event for each) and history."""

    ref: str
    current: dict[str, bool] = field(default_factory=dict)
    since: dict[str, str | None] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def do_record_consent(
    app: Database,
    ref: str,
    purpose: str,
    granted: bool,
    *,
    actor: str,
    source: str = "cli",
    note: str | None = None,
    at: datetime | None = None,
) -> ConsentState:
    """Append a grant or withdrawal and bring the person's consent flags in line with it."""
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"'{purpose}' is not a consent purpose; use one of {', '.join(PURPOSES)}"
        )
    if note is not None and len(note) > 280:
        raise InvalidInput("the note is longer than 280 characters; shorten it")
    with app.transaction() as session:
        person = find_person(session, ref)
        return record_consent_event(
            session, person, ConsentPurpose(purpose), granted,
            actor=actor, source=source, note=note, at=at,
        )  # fmt: skip


def record_consent_event(
    session: Session,
    person: Person,
    purpose: ConsentPurpose,
    granted: bool,
    *,
    actor: str,
    source: str,
    note: str | None = None,
    at: datetime | None = None,
) -> ConsentState:
    """``do_record_consent`` inside a transaction an action already holds."""
    session.add(
        ConsentEvent(
            person_id=person.id,
            purpose=purpose,
            granted=granted,
            at=at or utcnow(),
            source=source[:32],
            actor=actor[:80],
            note=note,
        )
    )
    session.flush()
    if purpose is ConsentPurpose.NETWORK_SURVEY and not granted:
        # Withdrawn: the names they gave, and the ties those wrote, go (GDPR Art. 7(3), 17).
        forget_survey_answers(session, person.id)
    state = _state(session, person)
    # The flags mirror the registry: contact and analytics have columns on people.
    for name in ("contact", "analytics"):
        if name in state.current:
            setattr(person, f"consent_{name}", state.current[name])
            setattr(person, f"consent_{name}_at", _parse(state.since[name]))
    return state


def consent_state(app: Database, ref: str) -> ConsentState:
    with app.reading() as session:
        return _state(session, find_person(session, ref))


def _state(session: Session, person: Person) -> ConsentState:
    state = ConsentState(ref=person.ref)
    rows = session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.person_id == person.id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    )
    for event in rows:
        purpose = event.purpose.value
        state.current[purpose] = event.granted
        state.since[purpose] = event.at.isoformat()
        state.events.append(
            {
                "purpose": purpose,
                "granted": event.granted,
                "at": event.at.isoformat(),
                "source": event.source,
                "actor": event.actor,
                "note": event.note,
            }
        )
    # Imports before the registry set the contact and analytics flags without an
    # event: a flag dated later than the latest event for it is the current answer.
    for name in ("contact", "analytics"):
        flag_at = getattr(person, f"consent_{name}_at")
        since = _parse(state.since.get(name))
        if flag_at is not None and (since is None or flag_at > since):
            state.current[name] = getattr(person, f"consent_{name}")
            state.since[name] = flag_at.isoformat()
    return state


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
