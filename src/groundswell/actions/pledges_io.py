"""Pledges and memberships in the export layout, and their importers (a round trip).

``groundswell export`` writes ``pledges.csv`` and ``memberships.csv`` beside
people and events; ``groundswell import pledges|memberships`` reads them back
after the people, into a database that already has the initiatives and
campaigns they name (by slug).

- ``pledges.csv``: person (their id), initiative and campaign (slugs, either
  may be empty), text, status (made|shared|done), made_at, shared_at, done_at
  (ISO date-times, UTC).
- ``memberships.csv``: initiative (slug), person, role
  (member|host|leader|sponsor), joined_on, left_on (YYYY-MM-DD; a membership
  with ``left_on`` is kept as history, as ``actions.memberships`` keeps it).

Each import is all or nothing and refuses a row already in the database or
repeated in the file, naming the line and field (as the events import does).
A pledge has no id of its own outside the database, so the same person, text
and ``made_at`` is taken as the same pledge.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
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
from groundswell.errors import InvalidInput
from groundswell.store.models import (
    Campaign,
    Initiative,
    MemberRole,
    Membership,
    Person,
    Pledge,
    PledgeStatus,
    utcnow,
)

PLEDGES_COLUMNS = ("person", "initiative", "campaign", "text", "status", "made_at", "shared_at",
                   "done_at")  # fmt: skip
MEMBERSHIPS_COLUMNS = ("initiative", "person", "role", "joined_on", "left_on")
COLUMNS = {"pledges": PLEDGES_COLUMNS, "memberships": MEMBERSHIPS_COLUMNS}
PLEDGE_STATUSES = [s.value for s in PledgeStatus]
ROLES = [r.value for r in MemberRole]


def export_tables(session: Session) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """Each table's rows in import column order, oldest first."""
    refs = dict(session.execute(select(Person.id, Person.ref)).all())
    inits = dict(session.execute(select(Initiative.id, Initiative.slug)).all())
    camps = dict(session.execute(select(Campaign.id, Campaign.slug)).all())

    def pledges() -> Iterator[tuple[Any, ...]]:
        for p in session.scalars(select(Pledge).order_by(Pledge.id)):
            yield (refs[p.person_id], inits.get(p.initiative_id) if p.initiative_id else None,
                   camps.get(p.campaign_id) if p.campaign_id else None, p.text, p.status.value,
                   p.made_at, p.shared_at, p.done_at)  # fmt: skip

    def memberships() -> Iterator[tuple[Any, ...]]:
        for m in session.scalars(select(Membership).order_by(Membership.id)):
            yield (inits[m.initiative_id], refs[m.person_id], m.role.value, m.joined_on,
                   m.left_on)  # fmt: skip

    yield "pledges", pledges()
    yield "memberships", memberships()


def _no_update(update: bool) -> None:
    if update:
        raise InvalidInput(
            "--update is not available for pledges and memberships; remove the rows "
            "already imported, or change them on their pages"
        )


def _slug_id(
    table: cf.CsvTable, line: int, row: dict[str, str], column: str, ids: dict[str, int],
    required: bool = False,
) -> int | None:  # fmt: skip
    slug = row.get(column, "")
    if not slug and not required:
        return None
    slug = cf.required_text(table, line, row, column, 80)
    if slug not in ids:
        raise table.error(line, column, f"there is no {column} '{slug}' in the database",
                          f"create the {column} first, or correct the slug")  # fmt: skip
    return ids[slug]


def _day(table: cf.CsvTable, line: int, row: dict[str, str], column: str) -> date | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        if len(text) == 10:  # a day, not a date-time: fromisoformat takes both
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise table.error(
        line, column, f"'{text}' is not a date", "write YYYY-MM-DD, or leave it empty"
    )


def do_import_pledges(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import pledges.csv (see the module docstring)."""
    _no_update(update)
    started = time.perf_counter()
    table = cf.read_csv(path, required=("person", "text"), optional=PLEDGES_COLUMNS[1:])
    summary = new_summary(table, "pledges")
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        inits = dict(session.execute(select(Initiative.slug, Initiative.id)).all())
        camps = dict(session.execute(select(Campaign.slug, Campaign.id)).all())
        stored = set(session.execute(select(Pledge.person_id, Pledge.text, Pledge.made_at)))
        lines: dict[Any, int] = {}
        created: list[dict[str, Any]] = []
        for line, row in table:
            person = person_id_of(table, line, row, "person", ids)
            text = cf.required_text(table, line, row, "text", 280)
            made = cf.timestamp(table, line, row, "made_at") or utcnow()
            what = f"{row['person']}'s pledge '{text[:40]}' made {made.isoformat()}"
            check_once(table, lines, (person, text, made), line, "made_at",
                       f"{what} appears twice", "keep one row per pledge")  # fmt: skip
            if (person, text, made) in stored:
                raise table.error(line, "made_at", f"{what} is already in the database",
                                  "remove this row")  # fmt: skip
            created.append({
                "person_id": person, "text": text,
                "initiative_id": _slug_id(table, line, row, "initiative", inits),
                "campaign_id": _slug_id(table, line, row, "campaign", camps),
                "status": PledgeStatus(cf.choice(table, line, row, "status", PLEDGE_STATUSES,
                                                 "made")),
                "made_at": made, "shared_at": cf.timestamp(table, line, row, "shared_at"),
                "done_at": cf.timestamp(table, line, row, "done_at"),
            })  # fmt: skip
        write_rows(session, Pledge, created, [], progress)
    return finish_summary(summary, len(table), created, [], started)


def do_import_memberships(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import memberships.csv (see the module docstring)."""
    _no_update(update)
    started = time.perf_counter()
    table = cf.read_csv(path, required=("initiative", "person"), optional=MEMBERSHIPS_COLUMNS[2:])
    summary = new_summary(table, "memberships")
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        inits = dict(session.execute(select(Initiative.slug, Initiative.id)).all())
        stored = set(session.execute(select(Membership.initiative_id, Membership.person_id)))
        lines: dict[Any, int] = {}
        created: list[dict[str, Any]] = []
        for line, row in table:
            initiative = _slug_id(table, line, row, "initiative", inits, required=True)
            person = person_id_of(table, line, row, "person", ids)
            what = f"{row['person']}'s membership of {row['initiative']}"
            check_once(table, lines, (initiative, person), line, "person", f"{what} appears twice",
                       "keep one row per person and initiative")  # fmt: skip
            if (initiative, person) in stored:
                raise table.error(line, "person", f"{what} is already in the database",
                                  "remove this row")  # fmt: skip
            joined, left = _day(table, line, row, "joined_on"), _day(table, line, row, "left_on")
            if joined is not None and left is not None and left < joined:
                raise table.error(line, "left_on", f"{left} is before they joined ({joined})",
                                  "correct left_on or joined_on")  # fmt: skip
            created.append({
                "initiative_id": initiative, "person_id": person,
                "role": MemberRole(cf.choice(table, line, row, "role", ROLES, "member")),
                "joined_on": joined, "left_on": left,
            })  # fmt: skip
        write_rows(session, Membership, created, [], progress)
    return finish_summary(summary, len(table), created, [], started)
