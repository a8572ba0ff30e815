"""Export people, ties and recruitment in the layout the importers read.

CSV export writes ``people.csv``, ``ties.csv`` and ``recruitment.csv``; importing
them, in that order, into an empty database gives the same people, ties and
recruitment back. Events, their RSVPs and attendance follow in ``events.csv``,
``rsvps.csv`` and ``attendance.csv`` (``actions.events_io``), pledges and
memberships in ``pledges.csv`` and ``memberships.csv`` (``actions.pledges_io``).
JSON export is one document with the same lists and the same field names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from groundswell.actions import Database
from groundswell.actions.audit import do_record_access, operator
from groundswell.actions.events_io import COLUMNS as EVENT_COLUMNS
from groundswell.actions.events_io import export_tables as event_tables
from groundswell.actions.file_layout import (
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    RECRUITMENT_OPTIONAL,
    RECRUITMENT_REQUIRED,
    TIES_OPTIONAL,
    TIES_REQUIRED,
)
from groundswell.actions.outfiles import out_targets, write_csv, writing_into
from groundswell.actions.pledges_io import COLUMNS as PLEDGE_COLUMNS
from groundswell.actions.pledges_io import export_tables as pledge_tables
from groundswell.csvsafe import write_private
from groundswell.errors import InvalidInput
from groundswell.store.models import Person, Recruitment, Tie, utcnow

Format = Literal["csv", "json"]
COLUMNS = {
    "people": [*PEOPLE_REQUIRED, *PEOPLE_OPTIONAL],
    "ties": [*TIES_REQUIRED, *TIES_OPTIONAL],
    "recruitment": [*RECRUITMENT_REQUIRED, *RECRUITMENT_OPTIONAL],
    **{name: list(columns) for name, columns in EVENT_COLUMNS.items()},
    **{name: list(columns) for name, columns in PLEDGE_COLUMNS.items()},
}
JSON_NAME = "groundswell.json"


@dataclass
class ExportSummary:
    """Where the export went and how many records of each kind it holds."""

    format: str
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def export_document(app: Database, actor: str | None = None) -> dict[str, Any]:
    """The whole export as one JSON-ready document."""
    # Recorded first, in its own short transaction: the read takes no write lock.
    do_record_access(app, actor or operator(), "database.export", detail={"format": "json"})
    with app.reading() as session:
        document: dict[str, Any] = {"format": "groundswell-export", "version": 1}
        document["exported_at"] = utcnow().isoformat()
        for name, rows in _tables(session):
            document[name] = [_json_record(COLUMNS[name], row) for row in rows]
    return document


def do_export(
    app: Database, out_dir: str | Path, *, fmt: Format = "csv", overwrite: bool = False,
    actor: str | None = None,
) -> ExportSummary:  # fmt: skip
    """Write the export into ``out_dir`` (created if missing); refuse to overwrite files."""
    if fmt not in ("csv", "json"):
        raise InvalidInput(f"export format '{fmt}' is not csv or json; use one of those")
    folder = Path(out_dir)
    names = [f"{name}.csv" for name in COLUMNS] if fmt == "csv" else [JSON_NAME]
    targets = out_targets(folder, names, overwrite)
    with writing_into(folder):
        summary = ExportSummary(format=fmt, files=[str(t) for t in targets])
        if fmt == "json":
            document = export_document(app, actor)
            write_private(targets[0], json.dumps(document, indent=1) + "\n")
            summary.counts = {name: len(document[name]) for name in COLUMNS}
            return summary
        do_record_access(app, actor or operator(), "database.export", detail={"format": fmt})
        with app.reading() as session:
            for (name, rows), target in zip(_tables(session), targets, strict=True):
                summary.counts[name] = write_csv(target, COLUMNS[name], rows)
        return summary


def _json_record(columns: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        c: (v.isoformat() if isinstance(v, date) else v)  # days and date-times
        for c, v in zip(columns, row, strict=True)
    }


def _tables(session: Session) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """Each table's rows in import column order, oldest first."""
    people = select(
        Person.ref,
        Person.display_name,
        Person.town,
        Person.kind,
        Person.consent_contact,
        Person.consent_contact_at,
        Person.consent_analytics,
        Person.consent_analytics_at,
        Person.joined_at,
    ).order_by(Person.id)
    yield "people", (_plain(r) for r in session.execute(people))
    source, target = aliased(Person), aliased(Person)
    ties = (
        select(source.ref, target.ref, Tie.kind, Tie.weight, Tie.observed_at, Tie.origin)
        .join(source, Tie.source_id == source.id)
        .join(target, Tie.target_id == target.id)
        .order_by(Tie.id)
    )
    yield "ties", (tuple(r) for r in session.execute(ties))
    recruiter, recruit = aliased(Person), aliased(Person)
    recruitment = (
        select(recruiter.ref, recruit.ref, Recruitment.at)
        .join(recruiter, Recruitment.recruiter_id == recruiter.id)
        .join(recruit, Recruitment.recruit_id == recruit.id)
        .order_by(Recruitment.id)
    )
    yield "recruitment", (tuple(r) for r in session.execute(recruitment))
    yield from event_tables(session)
    yield from pledge_tables(session)


def _plain(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(v, "value", v) for v in row)  # enums as their stored text
