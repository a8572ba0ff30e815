"""Saying you will come: RSVP with or without an account, the private link, cancelling.

Least data: an RSVP needs a name; an email or phone number is optional and is
kept on the RSVP, for this event only. Whether the person may be contacted is
asked every time and recorded in the consent registry (``consent_events``),
the first answer of a new person included, so a "no" is on record too.

Who the person is: a signed-in user linked to a person answers as that
person; anyone else answering on the web becomes a new person with a
generated id (``rsvp-...``). An email typed on the public form never finds
an existing person: that would let a stranger see someone's name, learn
they are coming and change their consent. Hosts at the door and organisers
importing a sign-in sheet (signed in, audited) do find people again by an
email an earlier RSVP or the person's record holds, so attendance adds up.

The private link (``/events/<slug>/rsvp/<token>``) is given once; only its
SHA-256 is stored. When the event is full the RSVP waits; a cancellation
gives the longest-waiting person the place.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.events import find_event
from groundswell.actions.notifications import notify_event_rsvp
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    Attendance,
    ConsentEvent,
    ConsentPurpose,
    Event,
    EventStatus,
    Person,
    Rsvp,
    RsvpStatus,
    utcnow,
)

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


@dataclass
class Contact:
    """Who is answering, as typed: name required, the rest optional."""

    display_name: str
    email: str = ""
    phone: str = ""
    consent_contact: bool = False
    accessibility: str = ""

    def checked(self) -> Contact:
        name = " ".join((self.display_name or "").split())
        if not name:
            raise InvalidInput("name: enter your name, or the name you would like to be called")
        if len(name) > 120:
            raise InvalidInput("name: use 120 characters or fewer")
        email = (self.email or "").strip().lower()
        if email and (len(email) > 254 or not EMAIL.match(email)):
            raise InvalidInput(
                "email: enter an email address like name@example.org, or leave it empty"
            )
        phone = (self.phone or "").strip()
        if phone and not PHONE.match(phone):
            raise InvalidInput("phone: enter a phone number like 01524 583000, or leave it empty")
        needs = (self.accessibility or "").strip()
        if len(needs) > 500:
            raise InvalidInput("access needs: use 500 characters or fewer")
        return Contact(name, email, phone, bool(self.consent_contact), needs)


@dataclass
class RsvpView:
    """One RSVP as its owner sees it through the private link."""

    id: int
    event_slug: str
    event_title: str
    display_name: str
    status: str
    walk_in: bool
    checked_in: bool
    token: str | None = None  # only when just made: shown once


def new_ref() -> str:
    """A generated id for someone who joined by RSVP or at the door (no organiser's id yet)."""
    return f"rsvp-{secrets.token_hex(5)}"


def record_contact_consent(
    session: Session, person: Person, granted: bool, *, actor: str, source: str, new: bool
) -> None:
    """Append the answer to the registry when it is new or changes, and mirror the flag."""
    if not new and person.consent_contact == granted:
        return
    now = utcnow()
    session.add(
        ConsentEvent(
            person_id=person.id,
            purpose=ConsentPurpose.CONTACT,
            granted=granted,
            at=now,
            source=source[:32],
            actor=actor[:80],
            note="asked when answering an event",
        )
    )
    person.consent_contact = granted
    person.consent_contact_at = now


def find_or_add_person(
    session: Session,
    contact: Contact,
    *,
    person_id: int | None,
    actor: str,
    source: str,
    match_email: bool = True,
) -> tuple[Person, bool]:
    """The person answering (see the module docstring); (person, created).

    ``match_email`` finds a known person by email: only for callers who are
    signed in and trusted with the list (hosts, organisers), never the public form.
    """
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None and contact.email and match_email:
        known = session.scalar(
            select(Rsvp.person_id).where(Rsvp.email == contact.email).order_by(Rsvp.id).limit(1)
        )
        if known is None:
            known = session.scalar(
                select(Person.id).where(func.lower(Person.email) == contact.email)
            )
        person = session.get(Person, known) if known is not None else None
    created = person is None
    if person is None:
        person = Person(
            ref=new_ref(),
            display_name=contact.display_name,
            joined_at=utcnow(),
            email=contact.email or None if contact.consent_contact else None,
        )
        session.add(person)
        session.flush()
    elif contact.consent_contact and contact.email and not person.email:
        person.email = contact.email
    record_contact_consent(
        session, person, contact.consent_contact, actor=actor, source=source, new=created
    )
    return person, created


def _open_for_answers(event: Event, now: datetime) -> None:
    if event.status is EventStatus.CANCELLED:
        raise Conflict(f"'{event.title}' is cancelled; it takes no more answers")
    end = event.ends_at or event.starts_at
    if end is not None and end < now:
        raise Conflict(f"'{event.title}' has finished; it takes no more answers")


def _going(session: Session, event_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Rsvp)
            .where(
                Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.GOING, Rsvp.walk_in.is_(False)
            )
        )
        or 0
    )


def do_rsvp(
    db: Database, slug: str, contact: Contact, *, person_id: int | None = None, actor: str
) -> RsvpView:
    """Answer "I'm coming" (or join the waiting list when full); returns the private token."""
    contact = contact.checked()
    now = utcnow()
    with db.transaction() as session:
        # Lock the event row (PostgreSQL) so two answers cannot both take the last place.
        event = session.scalar(select(Event).where(Event.slug == slug).with_for_update())
        if event is None:
            raise NotFound(f"there is no event '{slug}'; see the list at /events")
        _open_for_answers(event, now)
        person, _ = find_or_add_person(
            session, contact, person_id=person_id, actor=actor, source="web", match_email=False
        )
        rsvp = session.scalar(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id)
        )
        if rsvp is not None and rsvp.status is not RsvpStatus.CANCELLED:
            raise Conflict(
                "you have already answered for this event; use the link you were given to see "
                "or cancel it, or ask a host"
            )
        full = event.capacity is not None and _going(session, event.id) >= event.capacity
        token = new_token()
        if rsvp is None:
            rsvp = Rsvp(event_id=event.id, person_id=person.id)
            session.add(rsvp)
        rsvp.token_hash = hash_token(token)
        rsvp.status = RsvpStatus.WAITING if full else RsvpStatus.GOING
        rsvp.email = contact.email or None
        rsvp.phone = contact.phone or None
        rsvp.accessibility = contact.accessibility or None
        rsvp.cancelled_at = None
        session.flush()
        notify_event_rsvp(session, rsvp.id)  # confirmation now; reminder and thanks scheduled
        return RsvpView(
            rsvp.id,
            slug,
            event.title,
            person.display_name or "",
            rsvp.status.value,
            False,
            False,
            token,
        )


def _by_token(session: Session, slug: str, token: str) -> tuple[Event, Rsvp]:
    event = find_event(session, slug)
    rsvp = None
    if token and len(token) <= 128:
        rsvp = session.scalar(
            select(Rsvp).where(Rsvp.token_hash == hash_token(token), Rsvp.event_id == event.id)
        )
    if rsvp is None:
        raise NotFound("this RSVP link is not known; check it was copied whole")
    return event, rsvp


def rsvp_by_token(db: Database, slug: str, token: str) -> RsvpView:
    with db.reading() as session:
        event, rsvp = _by_token(session, slug, token)
        return _view(session, event, rsvp)


def _view(session: Session, event: Event, rsvp: Rsvp) -> RsvpView:
    name = session.scalar(select(Person.display_name).where(Person.id == rsvp.person_id))
    came = session.scalar(
        select(Attendance.id).where(
            Attendance.event_id == event.id, Attendance.person_id == rsvp.person_id
        )
    )
    return RsvpView(
        rsvp.id,
        event.slug or "",
        event.title,
        name or "",
        rsvp.status.value,
        rsvp.walk_in,
        came is not None,
    )


def do_cancel_rsvp(db: Database, slug: str, token: str) -> RsvpView:
    """Cancel through the private link; the longest-waiting person, if any, gets the place."""
    with db.transaction() as session:
        event, rsvp = _by_token(session, slug, token)
        if rsvp.status is RsvpStatus.CANCELLED:
            return _view(session, event, rsvp)
        was_going = rsvp.status is RsvpStatus.GOING
        rsvp.status = RsvpStatus.CANCELLED
        rsvp.cancelled_at = utcnow()
        session.flush()
        if was_going and event.capacity is not None:
            promote_waiting(session, event)
        return _view(session, event, rsvp)


def promote_waiting(session: Session, event: Event) -> int:
    """Give free places to the longest-waiting RSVPs; returns how many moved up."""
    free = (event.capacity or 0) - _going(session, event.id)
    if free <= 0:
        return 0
    waiting = session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITING)
        .order_by(Rsvp.created_at, Rsvp.id)
        .limit(free)
    ).all()
    for r in waiting:
        r.status = RsvpStatus.GOING
        notify_event_rsvp(session, r.id)  # a place came up: they hear they are going
    return len(waiting)


def answered_by(session: Session, slug: str, person_id: int | None) -> str | None:
    """The status of a signed-in person's RSVP to the event, if any (for the one-click form)."""
    if person_id is None:
        return None
    status = session.scalar(
        select(Rsvp.status)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.slug == slug, Rsvp.person_id == person_id)
    )
    return None if status is None else RsvpStatus(status).value
