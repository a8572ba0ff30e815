"""Events people can come to: create and edit them, list them, and decide who runs the door.

An event has a slug (its address, ``/events/<slug>``), a title, a start and
optional end, a place or an online link, a town, hosts (people in the
movement, several allowed), an optional capacity and an optional initiative
or campaign it belongs to. Its status is ``scheduled`` until someone is
checked in (then ``held``) or an organiser cancels it.

Who may run an event (edit it, see its RSVPs, check people in): its hosts
(a user linked to a host's person record) and organisers or admins whose
people scope covers the event's town or initiative (``may_run``). Reading the
list of RSVPs is a read of personal data and is audited by its caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.auth.permissions import Action, Principal, Subject, scopes_for
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    Attendance,
    Campaign,
    Event,
    EventHost,
    EventStatus,
    Initiative,
    Person,
    Rsvp,
    RsvpStatus,
    User,
    utcnow,
)
from groundswell.store.models.base import MAX_INT

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
STATUSES = [s.value for s in EventStatus]
URL = re.compile(r"^https?://[^\s<>\"']+$")
# A time typed without an offset is the movement's local time (the demo's and the NHS's).
LOCAL = ZoneInfo("Europe/London")


def parse_when(text: str, name: str) -> datetime:
    """An ISO date-time; one without an offset is read as UK local time (GMT or BST)."""
    text = (text or "").strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{name}: '{text}' is not a date and time; write e.g. 2026-05-01T18:00 "
            "(UK time) or 2026-05-01T18:00+01:00"
        ) from None
    return value.replace(tzinfo=LOCAL) if value.tzinfo is None else value


@dataclass
class EventDetails:
    """What an organiser types for an event; each field checked by ``checked``."""

    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str = ""
    place: str = ""
    online_url: str = ""
    town: str = ""
    capacity: int | None = None
    hosts: Sequence[str] = ()  # people's ids (refs)
    initiative: str = ""  # slug
    campaign: str = ""  # slug

    def checked(self) -> EventDetails:
        title = (self.title or "").strip()
        if not title:
            raise InvalidInput("title: enter the event's title")
        if len(title) > 160:
            raise InvalidInput("title: use 160 characters or fewer")
        for name, when in (("starts", self.starts_at), ("ends", self.ends_at)):
            if when is not None and when.tzinfo is None:
                raise InvalidInput(f"{name}: give a time zone, e.g. 2026-05-01T18:00+01:00")
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise InvalidInput("ends: the end must be after the start")
        if self.ends_at is not None and self.ends_at - self.starts_at > timedelta(days=31):
            raise InvalidInput("ends: an event lasts at most 31 days; split longer ones")
        url = (self.online_url or "").strip()
        if url and (len(url) > 500 or not URL.match(url)):
            raise InvalidInput(
                "online link: give a web address starting https:// (500 characters at most)"
            )
        if self.capacity is not None and not 1 <= self.capacity <= MAX_INT:
            raise InvalidInput(
                "capacity: give a whole number of places, 1 or more, or leave it empty"
            )
        for name, value, most in (
            ("place", self.place, 200),
            ("town", self.town, 80),
            ("description", self.description, 5000),
        ):
            if len((value or "").strip()) > most:
                raise InvalidInput(f"{name}: use {most} characters or fewer")
        hosts = list(dict.fromkeys(h.strip() for h in self.hosts if h and h.strip()))
        return EventDetails(
            title=title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            description=(self.description or "").strip(),
            place=(self.place or "").strip(),
            online_url=url,
            town=(self.town or "").strip(),
            capacity=self.capacity,
            hosts=hosts,
            initiative=(self.initiative or "").strip(),
            campaign=(self.campaign or "").strip(),
        )


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput(
            "slug: use lower-case letters, digits and hyphens (80 at most), e.g. walk-2026-05-01"
        )
    return slug


def find_event(session: Session, slug: str) -> Event:
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(f"there is no event '{slug}'; see the list at /events")
    return event


def _apply(session: Session, event: Event, details: EventDetails) -> None:
    event.title = details.title
    event.starts_at = details.starts_at
    event.ends_at = details.ends_at
    event.held_on = details.starts_at.date()
    event.description = details.description or None
    event.place = details.place or None
    event.online_url = details.online_url or None
    event.town = details.town or None
    event.capacity = details.capacity
    event.initiative_id = None
    if details.initiative:
        found = session.scalar(select(Initiative.id).where(Initiative.slug == details.initiative))
        if found is None:
            raise NotFound(f"initiative: there is no initiative '{details.initiative}'")
        event.initiative_id = found
    event.campaign_id = None
    if details.campaign:
        found = session.scalar(select(Campaign.id).where(Campaign.slug == details.campaign))
        if found is None:
            raise NotFound(f"campaign: there is no campaign '{details.campaign}'")
        event.campaign_id = found
    ids = {
        ref: pid
        for ref, pid in session.execute(
            select(Person.ref, Person.id).where(Person.ref.in_(list(details.hosts)))
        )
    }
    for ref in details.hosts:
        if ref not in ids:
            raise NotFound(f"hosts: there is no person with id '{ref}'; check the id")
    session.flush()
    current = set(
        session.scalars(select(EventHost.person_id).where(EventHost.event_id == event.id))
    )
    wanted = [ids[ref] for ref in details.hosts]
    for pid in current - set(wanted):
        session.execute(
            delete(EventHost).where((EventHost.event_id == event.id) & (EventHost.person_id == pid))
        )
    session.add_all(EventHost(event_id=event.id, person_id=p) for p in wanted if p not in current)
    # The first host is the one who led it, for reports that know one leader per event.
    event.led_by_id = wanted[0] if wanted else None


def do_create_event(db: Database, slug: str, details: EventDetails, *, actor: str) -> str:
    """Create a scheduled event; returns its slug. Conflict when the slug is taken."""
    slug = check_slug(slug)
    details = details.checked()
    with db.transaction() as session:
        if session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
            raise Conflict(f"slug: an event called '{slug}' exists; choose another slug")
        event = Event(
            slug=slug,
            title=details.title,
            held_on=details.starts_at.date(),
            status=EventStatus.SCHEDULED,
            kind="gathering",
        )
        session.add(event)
        session.flush()
        _apply(session, event, details)
        record_access(session, actor, "event.create", "event", slug)
    return slug


def do_edit_event(
    db: Database, slug: str, details: EventDetails, *, status: str | None = None, actor: str
) -> None:
    """Change an event's details (and status: scheduled, cancelled or held)."""
    details = details.checked()
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status: '{status}' is not one of {', '.join(STATUSES)}")
    with db.transaction() as session:
        event = find_event(session, slug)
        _apply(session, event, details)
        if status is not None:
            event.status = EventStatus(status)
        record_access(session, actor, "event.edit", "event", slug)


@dataclass
class EventView:
    """An event as its pages show it, with its counts (no names)."""

    slug: str
    title: str
    description: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    online_url: str
    town: str
    capacity: int | None
    status: str
    initiative: str | None = None
    initiative_name: str | None = None
    campaign: str | None = None
    campaign_name: str | None = None
    hosts: list[str] = field(default_factory=list)  # host names, shown publicly
    host_refs: list[str] = field(default_factory=list)
    going: int = 0
    waiting: int = 0
    checked_in: int = 0

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.going, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.going >= self.capacity

    def is_over(self, now: datetime) -> bool:
        end = self.ends_at or (self.starts_at + timedelta(hours=3) if self.starts_at else None)
        return end is not None and end < now

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "status": self.status,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
            "town": self.town or None,
            "place": self.place or None,
            "online_url": self.online_url or None,
            "capacity": self.capacity,
            "initiative": self.initiative,
            "campaign": self.campaign,
            "hosts": self.host_refs,
            "going": self.going,
            "waiting": self.waiting,
            "checked_in": self.checked_in,
        }


def _views(session: Session, events: Sequence[Event]) -> list[EventView]:
    ids = [e.id for e in events]
    counts: dict[tuple[int, str], int] = {
        (eid, RsvpStatus(st).value): int(n)
        for eid, st, n in session.execute(
            select(Rsvp.event_id, Rsvp.status, func.count())
            .where(Rsvp.event_id.in_(ids), Rsvp.walk_in.is_(False))
            .group_by(Rsvp.event_id, Rsvp.status)
        )
    }
    came = dict(
        session.execute(
            select(Attendance.event_id, func.count())
            .where(Attendance.event_id.in_(ids))
            .group_by(Attendance.event_id)
        ).all()
    )
    hosts: dict[int, list[tuple[str, str]]] = {}
    for eid, ref, name in session.execute(
        select(EventHost.event_id, Person.ref, Person.display_name)
        .join(Person, Person.id == EventHost.person_id)
        .where(EventHost.event_id.in_(ids))
        .order_by(EventHost.id)
    ):
        hosts.setdefault(eid, []).append((ref, name or "a host"))
    initiatives = dict(session.execute(select(Initiative.id, Initiative.slug)).all()) if ids else {}
    names = dict(session.execute(select(Initiative.id, Initiative.name)).all()) if ids else {}
    campaigns = dict(session.execute(select(Campaign.id, Campaign.slug)).all()) if ids else {}
    cnames = dict(session.execute(select(Campaign.id, Campaign.name)).all()) if ids else {}
    out = []
    for e in events:
        out.append(
            EventView(
                slug=e.slug or str(e.id),
                title=e.title,
                description=e.description or "",
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                place=e.place or "",
                online_url=e.online_url or "",
                town=e.town or "",
                capacity=e.capacity,
                status=EventStatus(e.status).value,
                initiative=initiatives.get(e.initiative_id) if e.initiative_id else None,
                initiative_name=names.get(e.initiative_id) if e.initiative_id else None,
                campaign=campaigns.get(e.campaign_id) if e.campaign_id else None,
                campaign_name=cnames.get(e.campaign_id) if e.campaign_id else None,
                hosts=[n for _, n in hosts.get(e.id, [])],
                host_refs=[r for r, _ in hosts.get(e.id, [])],
                going=counts.get((e.id, "going"), 0),
                waiting=counts.get((e.id, "waiting"), 0),
                checked_in=int(came.get(e.id, 0)),
            )
        )
    return out


def event_view(session: Session, slug: str) -> EventView:
    return _views(session, [find_event(session, slug)])[0]


def list_events(
    session: Session, *, now: datetime | None = None
) -> tuple[list[EventView], list[EventView]]:
    """Events with an address (a slug): (upcoming soonest first, past latest first)."""
    now = now or utcnow()
    events = session.scalars(
        select(Event).where(Event.slug.is_not(None)).order_by(Event.starts_at, Event.id)
    ).all()
    views = _views(session, events)
    upcoming = [v for v in views if not v.is_over(now)]
    past = [v for v in reversed(views) if v.is_over(now)]
    return upcoming, past


def may_run(session: Session, event: Event, principal: Principal | None) -> bool:
    """A host of the event, or an organiser or admin whose scope covers it."""
    if principal is None:
        return False
    person = session.scalar(select(User.person_id).where(User.id == principal.user_id))
    if person is not None and session.scalar(
        select(EventHost.id).where(EventHost.event_id == event.id, EventHost.person_id == person)
    ):
        return True
    scopes = scopes_for(principal, Action.VIEW_PEOPLE)
    slug = None
    if event.initiative_id is not None:
        slug = session.scalar(select(Initiative.slug).where(Initiative.id == event.initiative_id))
    return scopes.covers(Subject(town=event.town, initiatives=frozenset([slug] if slug else [])))


def may_create(principal: Principal | None) -> bool:
    """Organisers and admins (of any scope) create events; hosts run the ones they host."""
    return principal is not None and not scopes_for(principal, Action.VIEW_PEOPLE).nothing
