"""Events, RSVPs and attendance in the export layout, and their importers (a round trip).

``groundswell export`` writes ``events.csv``, ``rsvps.csv`` and
``attendance.csv`` beside people, ties and recruitment; ``groundswell import
events|rsvps|attendance`` reads them back, in that order, after the people.

- ``events.csv``: ``event`` (its slug: the key the other two files use),
  title, starts_at, ends_at, held_on, kind, status, town, place, online_url,
  capacity, description, initiative and campaign (slugs), hosts (people's ids
  separated by ``;``), led_by. An event recorded without an address (the demo,
  a log of past actions) is exported as ``event-<number>`` and gets that
  address when imported, so a second export is the same as the first.
- ``rsvps.csv``: event, person, status, email, phone, accessibility, walk_in,
  created_at, cancelled_at. Private links are not exported: imported RSVPs get
  new ones (nobody holds them), so links given before stop working there.
- ``attendance.csv``: event, person, role, source, checked_in_at, brought_by.

Each import is all or nothing and refuses a row already in the database or
repeated in the file, naming the line and field (as the people import does).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
from groundswell.actions.events import SLUG, STATUSES
from groundswell.actions.import_rows import (
    ImportSummary,
    Progress,
    check_once,
    finish_summary,
    new_summary,
    person_id_of,
    person_ids_by_ref,
    write_rows,
)
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import InvalidInput
from groundswell.store.models import (
    Attendance,
    Campaign,
    Event,
    EventHost,
    Initiative,
    Person,
    Rsvp,
    RsvpStatus,
    utcnow,
)
from groundswell.store.models.base import MAX_INT

EVENTS_COLUMNS = ("event", "title", "starts_at", "ends_at", "held_on", "kind", "status", "town",
                  "place", "online_url", "capacity", "description", "initiative", "campaign",
                  "hosts", "led_by")  # fmt: skip
RSVPS_COLUMNS = ("event", "person", "status", "email", "phone", "accessibility", "walk_in",
                 "created_at", "cancelled_at")  # fmt: skip
ATTENDANCE_COLUMNS = ("event", "person", "role", "source", "checked_in_at", "brought_by")
COLUMNS = {"events": EVENTS_COLUMNS, "rsvps": RSVPS_COLUMNS, "attendance": ATTENDANCE_COLUMNS}
RSVP_STATUSES = [s.value for s in RsvpStatus]


def _key(slug: str | None, event_id: int) -> str:
    return slug or f"event-{event_id}"


def export_tables(session: Session) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """Each table's rows in import column order, oldest first."""
    refs = dict(session.execute(select(Person.id, Person.ref)).all())
    slugs = {i: s for i, s in session.execute(select(Initiative.id, Initiative.slug))}
    camps = {i: s for i, s in session.execute(select(Campaign.id, Campaign.slug))}
    hosts: dict[int, list[str]] = {}
    for eid, pid in session.execute(
        select(EventHost.event_id, EventHost.person_id).order_by(EventHost.id)
    ):
        hosts.setdefault(eid, []).append(refs[pid])
    keys = {i: _key(s, i) for i, s in session.execute(select(Event.id, Event.slug))}

    def events() -> Iterator[tuple[Any, ...]]:
        for e in session.scalars(select(Event).order_by(Event.id)):
            yield (keys[e.id], e.title, e.starts_at, e.ends_at, e.held_on, e.kind, e.status.value,
                   e.town, e.place, e.online_url, e.capacity, e.description,
                   slugs.get(e.initiative_id) if e.initiative_id else None,
                   camps.get(e.campaign_id) if e.campaign_id else None,
                   ";".join(hosts.get(e.id, [])),
                   refs.get(e.led_by_id) if e.led_by_id else None)  # fmt: skip

    def rsvps() -> Iterator[tuple[Any, ...]]:
        for r in session.scalars(select(Rsvp).order_by(Rsvp.id)):
            yield (keys[r.event_id], refs[r.person_id], r.status.value, r.email, r.phone,
                   r.accessibility, r.walk_in, r.created_at, r.cancelled_at)  # fmt: skip

    bringer = aliased(Person)

    def attendance() -> Iterator[tuple[Any, ...]]:
        rows = session.execute(
            select(Attendance.event_id, Person.ref, Attendance.role, Attendance.source,
                   Attendance.checked_in_at, bringer.ref)
            .join(Person, Person.id == Attendance.person_id)
            .outerjoin(bringer, bringer.id == Attendance.brought_by_id)
            .order_by(Attendance.id)
        )  # fmt: skip
        for eid, ref, role, source, at, by in rows:
            yield (keys[eid], ref, role, source, at, by)

    yield "events", events()
    yield "rsvps", rsvps()
    yield "attendance", attendance()


def _no_update(update: bool) -> None:
    if update:
        raise InvalidInput(
            "--update is not available for events, RSVPs and attendance; remove the rows "
            "already imported, or change them on the event's pages"
        )


def _events_by_key(session: Session) -> dict[str, int]:
    return {_key(s, i): i for i, s in session.execute(select(Event.id, Event.slug))}


def _event_of(table: cf.CsvTable, line: int, row: dict[str, str], keys: dict[str, int]) -> int:
    key = cf.required_text(table, line, row, "event", 80)
    if key not in keys:
        raise table.error(line, "event", f"'{key}' is not an event in the database",
                          "import events.csv first, or correct the event")  # fmt: skip
    return keys[key]


def do_import_events(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import events.csv (see the module docstring)."""
    _no_update(update)
    started = time.perf_counter()
    table = cf.read_csv(path, required=("event", "title"), optional=EVENTS_COLUMNS[2:])
    summary = new_summary(table, "events")
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        known = _events_by_key(session)
        inits = dict(session.execute(select(Initiative.slug, Initiative.id)).all())
        camps = dict(session.execute(select(Campaign.slug, Campaign.id)).all())
        lines: dict[Any, int] = {}
        created: list[dict[str, Any]] = []
        host_refs: list[tuple[str, list[tuple[int, int]]]] = []
        for line, row in table:
            slug = cf.required_text(table, line, row, "event", 80)
            if not SLUG.match(slug):
                raise table.error(line, "event", f"'{slug}' is not a slug",
                                  "use lower-case letters, digits and hyphens")  # fmt: skip
            check_once(table, lines, slug, line, "event", f"'{slug}' appears twice",
                       "keep one row per event")  # fmt: skip
            if slug in known:
                raise table.error(line, "event", f"'{slug}' is already in the database",
                                  "remove this row")  # fmt: skip
            starts = cf.timestamp(table, line, row, "starts_at")
            held = cf.timestamp(table, line, row, "held_on") or starts
            if held is None:
                raise table.error(line, "held_on", "an event needs starts_at or held_on",
                                  "give the day it was held, YYYY-MM-DD")  # fmt: skip
            capacity = row.get("capacity", "")
            if capacity and not (capacity.isdigit() and 0 < int(capacity) <= MAX_INT):
                raise table.error(line, "capacity", f"'{capacity}' is not a number of places",
                                  "give a whole number, 1 or more, or leave it empty")  # fmt: skip
            refs = [r for r in row.get("hosts", "").split(";") if r.strip()]
            for ref in refs:
                if ref.strip() not in ids:
                    raise table.error(line, "hosts", f"'{ref}' is not a person in the database",
                                      "import people.csv first, or correct the id")  # fmt: skip
            led = person_id_of(table, line, row, "led_by", ids) if row.get("led_by") else None
            created.append({
                "slug": slug, "title": cf.required_text(table, line, row, "title", 160),
                "starts_at": starts, "ends_at": cf.timestamp(table, line, row, "ends_at"),
                "held_on": held.date(), "kind": cf.optional_text(table, line, row, "kind", 32)
                or "gathering",
                "status": cf.choice(table, line, row, "status", STATUSES, "held"),
                "town": cf.optional_text(table, line, row, "town", 80),
                "place": cf.optional_text(table, line, row, "place", 200),
                "online_url": cf.optional_text(table, line, row, "online_url", 500),
                "capacity": int(capacity) if capacity else None,
                "description": cf.optional_text(table, line, row, "description", 5000),
                "initiative_id": _slug_id(table, line, row, "initiative", inits),
                "campaign_id": _slug_id(table, line, row, "campaign", camps),
                "led_by_id": led, "created_at": utcnow(),
            })  # fmt: skip
            host_refs.append((slug, [(n, ids[r.strip()]) for n, r in enumerate(refs)]))
        write_rows(session, Event, created, [], progress)
        new = _events_by_key(session)
        write_rows(session, EventHost, [
            {"event_id": new[slug], "person_id": pid} for slug, hs in host_refs for _, pid in hs
        ], [], None)  # fmt: skip
    return finish_summary(summary, len(table), created, [], started)


def _slug_id(
    table: cf.CsvTable, line: int, row: dict[str, str], column: str, ids: dict[str, int]
) -> int | None:
    slug = row.get(column, "")
    if not slug:
        return None
    if slug not in ids:
        raise table.error(line, column, f"there is no {column} '{slug}'",
                          f"create the {column} first, or leave this empty")  # fmt: skip
    return ids[slug]


def do_import_rsvps(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import rsvps.csv (see the module docstring); each gets a new private link."""
    _no_update(update)
    started = time.perf_counter()
    table = cf.read_csv(path, required=("event", "person"), optional=RSVPS_COLUMNS[2:])
    summary = new_summary(table, "rsvps")
    with app.transaction() as session:
        ids, keys = person_ids_by_ref(session), _events_by_key(session)
        stored = {(e, p) for e, p in session.execute(select(Rsvp.event_id, Rsvp.person_id))}
        lines: dict[Any, int] = {}
        created: list[dict[str, Any]] = []
        for line, row in table:
            event = _event_of(table, line, row, keys)
            person = person_id_of(table, line, row, "person", ids)
            what = f"{row['person']}'s RSVP to {row['event']}"
            check_once(table, lines, (event, person), line, "person", f"{what} appears twice",
                       "keep one row per RSVP")  # fmt: skip
            if (event, person) in stored:
                raise table.error(line, "person", f"{what} is already in the database",
                                  "remove this row")  # fmt: skip
            created.append({
                "event_id": event, "person_id": person, "token_hash": hash_token(new_token()),
                "status": cf.choice(table, line, row, "status", RSVP_STATUSES, "going"),
                "email": cf.optional_text(table, line, row, "email", 254),
                "phone": cf.optional_text(table, line, row, "phone", 32),
                "accessibility": cf.optional_text(table, line, row, "accessibility", 500),
                "walk_in": cf.boolean(table, line, row, "walk_in"),
                "created_at": cf.timestamp(table, line, row, "created_at") or utcnow(),
                "cancelled_at": cf.timestamp(table, line, row, "cancelled_at"),
            })  # fmt: skip
        write_rows(session, Rsvp, created, [], progress)
    return finish_summary(summary, len(table), created, [], started)


def do_import_attendance_rows(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import attendance.csv (see the module docstring)."""
    _no_update(update)
    started = time.perf_counter()
    table = cf.read_csv(path, required=("event", "person"), optional=ATTENDANCE_COLUMNS[2:])
    summary = new_summary(table, "attendance")
    with app.transaction() as session:
        ids, keys = person_ids_by_ref(session), _events_by_key(session)
        stored = {
            (e, p) for e, p in session.execute(select(Attendance.event_id, Attendance.person_id))
        }
        lines: dict[Any, int] = {}
        created: list[dict[str, Any]] = []
        for line, row in table:
            event = _event_of(table, line, row, keys)
            person = person_id_of(table, line, row, "person", ids)
            what = f"{row['person']} at {row['event']}"
            check_once(table, lines, (event, person), line, "person", f"{what} appears twice",
                       "keep one row per person and event")  # fmt: skip
            if (event, person) in stored:
                raise table.error(line, "person", f"{what} is already in the database",
                                  "remove this row")  # fmt: skip
            by = row.get("brought_by", "")
            created.append({
                "event_id": event, "person_id": person,
                "role": cf.optional_text(table, line, row, "role", 16) or "attendee",
                "source": cf.optional_text(table, line, row, "source", 16),
                "checked_in_at": cf.timestamp(table, line, row, "checked_in_at"),
                "brought_by_id": person_id_of(table, line, row, "brought_by", ids) if by else None,
            })  # fmt: skip
        write_rows(session, Attendance, created, [], progress)
    return finish_summary(summary, len(table), created, [], started)
