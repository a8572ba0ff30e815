"""A paper sign-in sheet, typed up as CSV, imported as an event's attendance.

Columns (``groundswell events attendance SLUG FILE.csv``)::

    id,display_name,email,phone,consent_contact,checked_in_at
    p17,,,,,
    ,Sam Jones,sam@example.org,,yes,2026-05-01T18:20:00+01:00

- ``id``: a person already in the movement (their id, as in people.csv);
- otherwise ``display_name`` (required then), with optional ``email``,
  ``phone`` and ``consent_contact`` (yes/no: may organisers contact them?),
  for someone new: they are matched by email to a person seen before, or added;
- ``checked_in_at``: when they signed in (an ISO date or date-time; empty:
  the event's start).

The whole sheet is checked before anything is written and written in one
transaction: an unknown id, a bad date or value, or a row repeated (the same
id, or the same name and email, twice) refuses the sheet with the line and
field, and leaves the database exactly as it was. Someone already checked in
is counted as ``already`` and left alone. Afterwards the event is held and
its ``attended_together`` ties are rebuilt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
from groundswell.actions.attendance_ties import DEFAULT_WINDOW_DAYS, link_attendees
from groundswell.actions.audit import record_access
from groundswell.actions.events import find_event
from groundswell.actions.import_rows import check_once, person_ids_by_ref
from groundswell.actions.rsvps import Contact, find_or_add_person
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import Conflict, InputFileError, InvalidInput
from groundswell.store.models import Attendance, EventStatus, Rsvp, RsvpStatus, utcnow

SHEET_COLUMNS = ("id", "display_name", "email", "phone", "consent_contact", "checked_in_at")


@dataclass
class SheetSummary:
    """What the sheet did: people matched to the movement, people new to it, already in."""

    path: str
    event: str
    rows: int = 0
    matched: int = 0
    new: int = 0
    already: int = 0
    ties: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def do_import_attendance(
    db: Database,
    slug: str,
    path: str | Path,
    *,
    actor: str,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> SheetSummary:
    """Import a sign-in sheet for the event ``slug`` (see the module docstring)."""
    table = cf.read_csv(path, required=(), optional=SHEET_COLUMNS)
    if "id" not in table.columns and "display_name" not in table.columns:
        raise InputFileError(
            table.path,
            "the header names neither 'id' nor 'display_name'",
            line=1,
            fix="name the columns, e.g. id,display_name,email,phone,consent_contact",
        )
    summary = SheetSummary(path=table.path, event=slug, rows=len(table))
    if table.extra:
        summary.warnings.append(
            f"{table.path}: these columns are not imported: {', '.join(table.extra)}"
        )
    with db.transaction() as session:
        event = find_event(session, slug)
        if event.status is EventStatus.CANCELLED:
            raise Conflict(f"'{event.title}' is cancelled; reopen it before adding attendance")
        ids = person_ids_by_ref(session)
        lines: dict[Any, int] = {}
        parsed: list[tuple[int, int | None, Contact | None, datetime | None]] = []
        # Check every row first: a refused sheet writes nothing, not even new people.
        for line, row in table:
            ref = cf.optional_text(table, line, row, "id", 64)
            at = cf.timestamp(table, line, row, "checked_in_at") or event.starts_at
            if ref:
                if ref not in ids:
                    raise table.error(
                        line,
                        "id",
                        f"'{ref}' is not a person in the database",
                        "correct the id, or leave it empty and give display_name for someone new",
                    )
                check_once(
                    table,
                    lines,
                    ("id", ref),
                    line,
                    "id",
                    f"'{ref}' appears twice",
                    "keep one row per person",
                )
                parsed.append((line, ids[ref], None, at))
                continue
            name = cf.optional_text(table, line, row, "display_name", 120)
            if not name:
                raise table.error(
                    line,
                    "display_name",
                    "this row has neither an id nor a name",
                    "give the person's id, or their name if they are new",
                )
            consent = cf.boolean(table, line, row, "consent_contact")
            try:
                typed = Contact(name, row.get("email", ""), row.get("phone", ""), consent).checked()
            except InvalidInput as exc:
                # Contact names the field first ("email: ..."); the sheet names its column.
                column, _, problem = str(exc).partition(": ")
                column = column if column in SHEET_COLUMNS else "display_name"
                raise table.error(line, column, problem) from None
            check_once(
                table,
                lines,
                ("new", typed.display_name.lower(), typed.email),
                line,
                "display_name",
                f"'{name}' appears twice",
                "keep one row per person",
            )
            parsed.append((line, None, typed, at))
        for _line, pid, contact, at in parsed:
            if contact is not None:
                person, created = find_or_add_person(
                    session, contact, person_id=None, actor=actor, source="paper"
                )
                pid = person.id
                summary.new += created
                summary.matched += not created
            else:
                summary.matched += 1
            assert pid is not None
            if (
                session.scalar(
                    select(Attendance.id).where(
                        Attendance.event_id == event.id, Attendance.person_id == pid
                    )
                )
                is not None
            ):
                summary.already += 1
                continue
            session.add(
                Attendance(
                    event_id=event.id,
                    person_id=pid,
                    role="attendee",
                    source="sheet",
                    checked_in_at=at or utcnow(),
                )
            )
            rsvp = session.scalar(
                select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == pid)
            )
            if rsvp is None:
                session.add(
                    Rsvp(
                        event_id=event.id,
                        person_id=pid,
                        walk_in=True,
                        token_hash=hash_token(new_token()),
                        status=RsvpStatus.GOING,
                        email=(contact.email or None) if contact is not None else None,
                        phone=(contact.phone or None) if contact is not None else None,
                    )
                )
            else:
                rsvp.status = RsvpStatus.GOING
            session.flush()
        event.status = EventStatus.HELD
        summary.ties = link_attendees(session, event, window_days=window_days)
        record_access(
            session,
            actor,
            "event.attendance_import",
            "event",
            slug,
            {"rows": summary.rows, "matched": summary.matched, "new": summary.new},
        )
    return summary
