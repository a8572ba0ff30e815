"""At the door: the list of RSVPs, ticking people in, walk-ins, and closing the door.

A tick is idempotent: ticking someone already in answers with their row as it
is, so a host whose phone retried a request (or two hosts ticking the same
person) never makes a second attendance or an error. The first tick marks a
scheduled event ``held``. A walk-in becomes a person (least data, their answer
about contact recorded in the consent registry), an RSVP marked ``walk_in``
and an attendance; a walk-in who came with someone already there is recorded
as brought by them, and, when new to the movement, as their recruit (evidence
of mobilising for the roles: ``actions.roles``).

Closing the door (``do_close_door``) marks the event held and rebuilds the
``attended_together`` ties among its attendees (``actions.attendance_ties``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.attendance_ties import DEFAULT_WINDOW_DAYS, link_attendees
from groundswell.actions.audit import record_access
from groundswell.actions.events import find_event
from groundswell.actions.rsvps import Contact, find_or_add_person
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import Conflict, NotFound
from groundswell.store.models import (
    Attendance,
    Event,
    EventStatus,
    Person,
    Recruitment,
    Rsvp,
    RsvpStatus,
    utcnow,
)

SEARCH_MAX = 80


@dataclass
class DoorRow:
    """One line of the check-in list."""

    rsvp_id: int
    display_name: str
    status: str
    walk_in: bool
    accessibility: str
    checked_in_at: datetime | None

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None


def _row(session: Session, event: Event, rsvp: Rsvp) -> DoorRow:
    name = session.scalar(select(Person.display_name).where(Person.id == rsvp.person_id))
    at = session.scalar(
        select(Attendance.checked_in_at).where(
            Attendance.event_id == event.id, Attendance.person_id == rsvp.person_id
        )
    )
    came = at or session.scalar(
        select(Attendance.id).where(
            Attendance.event_id == event.id, Attendance.person_id == rsvp.person_id
        )
    )
    when = at if at is not None else (event.starts_at if came else None)
    return DoorRow(
        rsvp.id, name or "", rsvp.status.value, rsvp.walk_in, rsvp.accessibility or "", when
    )


def door_list(
    db: Database, slug: str, *, search: str = "", actor: str
) -> tuple[list[DoorRow], int, int]:
    """RSVPs (not cancelled) matching ``search``, by name; (rows, checked in, expected).

    Audited: the list names people.
    """
    search = " ".join((search or "").split())[:SEARCH_MAX]
    with db.transaction() as session:
        event = find_event(session, slug)
        query = (
            select(
                Rsvp.id,
                Person.display_name,
                Rsvp.status,
                Rsvp.walk_in,
                Rsvp.accessibility,
                Attendance.id,
                Attendance.checked_in_at,
            )
            .join(Person, Person.id == Rsvp.person_id)
            .outerjoin(
                Attendance,
                (Attendance.event_id == Rsvp.event_id) & (Attendance.person_id == Rsvp.person_id),
            )
            .where(Rsvp.event_id == event.id, Rsvp.status != RsvpStatus.CANCELLED)
            .order_by(func.lower(Person.display_name), Rsvp.id)
        )
        if search:
            words = [w.replace("%", "").replace("_", "") for w in search.lower().split()]
            query = query.where(*(func.lower(Person.display_name).contains(w) for w in words if w))
        rows = [
            DoorRow(
                rid,
                name or "",
                RsvpStatus(st).value,
                bool(walk),
                needs or "",
                at if at is not None else (event.starts_at if aid else None),
            )
            for rid, name, st, walk, needs, aid, at in session.execute(query)
        ]
        came = int(
            session.scalar(
                select(func.count()).select_from(Attendance).where(Attendance.event_id == event.id)
            )
            or 0
        )
        expected = int(
            session.scalar(
                select(func.count())
                .select_from(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING)
            )
            or 0
        )
        record_access(
            session,
            actor,
            "event.door_list",
            "event",
            slug,
            {"rows": len(rows), "search": bool(search)},
        )
    return rows, came, expected


def door_row(db: Database, slug: str, rsvp_id: int) -> DoorRow:
    with db.reading() as session:
        event = find_event(session, slug)
        return _row(session, event, _rsvp(session, event, rsvp_id))


def _rsvp(session: Session, event: Event, rsvp_id: int) -> Rsvp:
    rsvp = session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.event_id != event.id:
        raise NotFound(f"there is no RSVP {rsvp_id} for this event; search the list instead")
    return rsvp


def _attend(
    session: Session,
    event: Event,
    person_id: int,
    *,
    source: str,
    at: datetime,
    brought_by: int | None = None,
) -> bool:
    """Add an attendance unless there is one; True when added. Marks the event held."""
    found = session.scalar(
        select(Attendance.id).where(
            Attendance.event_id == event.id, Attendance.person_id == person_id
        )
    )
    if found is not None:
        return False
    # Two hosts can tick the same person at the same moment: both find no attendance,
    # and the second insert breaks the (event, person) unique constraint. In a savepoint
    # that is "already in", not an error (found by benchmarks/checkin.py).
    try:
        with session.begin_nested():
            session.add(
                Attendance(
                    event_id=event.id,
                    person_id=person_id,
                    role="attendee",
                    source=source,
                    checked_in_at=at,
                    brought_by_id=brought_by,
                )
            )
    except IntegrityError:
        return False
    if event.status is EventStatus.SCHEDULED:
        event.status = EventStatus.HELD
    session.flush()
    return True


def do_check_in(db: Database, slug: str, rsvp_id: int, *, actor: str) -> DoorRow:
    """Tick one RSVP in (idempotent); a waiting or cancelled RSVP who turned up comes in too."""
    with db.transaction() as session:
        event = find_event(session, slug)
        if event.status is EventStatus.CANCELLED:
            raise Conflict(f"'{event.title}' is cancelled; reopen it before checking people in")
        rsvp = _rsvp(session, event, rsvp_id)
        if _attend(session, event, rsvp.person_id, source="door", at=utcnow()):
            rsvp.status = RsvpStatus.GOING
            record_access(session, actor, "event.check_in", "event", slug, {"rsvp": rsvp_id})
        return _row(session, event, rsvp)


def do_undo_check_in(db: Database, slug: str, rsvp_id: int, *, actor: str) -> DoorRow:
    """Take back a tick made by mistake."""
    with db.transaction() as session:
        event = find_event(session, slug)
        rsvp = _rsvp(session, event, rsvp_id)
        session.execute(
            delete(Attendance).where(
                (Attendance.event_id == event.id) & (Attendance.person_id == rsvp.person_id)
            )
        )
        record_access(session, actor, "event.undo_check_in", "event", slug, {"rsvp": rsvp_id})
        return _row(session, event, rsvp)


def do_walk_in(
    db: Database, slug: str, contact: Contact, *, brought_by: int | None = None, actor: str
) -> DoorRow:
    """Add someone at the door: person, RSVP (walk-in) and attendance in one go.

    ``brought_by`` is the RSVP id of someone already at the event who brought them.
    """
    contact = contact.checked()
    now = utcnow()
    with db.transaction() as session:
        event = find_event(session, slug)
        if event.status is EventStatus.CANCELLED:
            raise Conflict(f"'{event.title}' is cancelled; reopen it before checking people in")
        bringer = _rsvp(session, event, brought_by).person_id if brought_by else None
        person, created = find_or_add_person(
            session, contact, person_id=None, actor=actor, source="door"
        )
        rsvp = session.scalar(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id)
        )
        if rsvp is None:
            rsvp = Rsvp(
                event_id=event.id,
                person_id=person.id,
                token_hash=hash_token(new_token()),
                walk_in=True,
                email=contact.email or None,
                phone=contact.phone or None,
                accessibility=contact.accessibility or None,
            )
            session.add(rsvp)
        rsvp.status = RsvpStatus.GOING
        session.flush()
        bringer = bringer if bringer != person.id else None
        _attend(session, event, person.id, source="walk_in", at=now, brought_by=bringer)
        if bringer is not None and created:
            session.add(Recruitment(recruiter_id=bringer, recruit_id=person.id, at=now))
        record_access(session, actor, "event.walk_in", "event", slug, {"rsvp": rsvp.id})
        session.flush()
        return _row(session, event, rsvp)


def do_close_door(
    db: Database, slug: str, *, window_days: int = DEFAULT_WINDOW_DAYS, actor: str
) -> int:
    """Mark the event held and rebuild its attendees' ``attended_together`` ties; returns ties."""
    with db.transaction() as session:
        event = find_event(session, slug)
        if event.status is EventStatus.CANCELLED:
            raise Conflict(f"'{event.title}' is cancelled; it was not held")
        event.status = EventStatus.HELD
        ties = link_attendees(session, event, window_days=window_days)
        record_access(session, actor, "event.close", "event", slug, {"ties": ties})
        return ties
