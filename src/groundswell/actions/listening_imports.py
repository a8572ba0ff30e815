"""Notes and comments from files: typed-up flipcharts and other channels' comments.

``groundswell listening import-notes SLUG FILE.csv`` reads harvest notes typed
up after the event::

    table,text,town
    Table 1,More benches on the prom,
    Table 2,Buses after 6pm,Heysham

``groundswell listening import-comments FILE.csv --source fft --text-column
COL [--id-column COL] [--town-column COL] [--date-column COL]`` reads comments
exported from another channel, e.g. Friends and Family Test answers, whose
other columns (ratings, wards) are left out, with a warning naming them.

Both are all or nothing: every row is checked before anything is written, in
one transaction, and a refusal names the file, line and field (an unknown
table, a text too long, a bad date, an id given twice). Each text passes the
personal-data gate (``listening_visibility``): those it flags are stored
``pending`` for an organiser, and the summary says which lines and why.
A comment already imported under the same source and id is left as it was
(``already``), so importing the next month's export, which repeats some
answers, adds only the new ones; rows without a comment (a rating alone) are
counted as ``empty`` and skipped.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
from groundswell.actions.audit import record_access
from groundswell.actions.listening import find_listening
from groundswell.actions.listening_notes import MAX_NOTE
from groundswell.actions.listening_visibility import gate
from groundswell.errors import Conflict, InvalidInput
from groundswell.store.models import (
    Comment,
    HarvestNote,
    ListeningStatus,
    ListeningTable,
    NoteSource,
)

SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class ImportedTexts:
    """What an import did: rows read, shown at once, held for an organiser, and why."""

    path: str
    rows: int = 0
    visible: int = 0
    held: int = 0
    already: int = 0
    empty: int = 0
    held_lines: list[str] = field(default_factory=list)  # "line 4: a phone number"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def do_import_notes(db: Database, slug: str, path: str | Path, *, actor: str) -> ImportedTexts:
    """Import harvest notes for ``slug`` from a CSV file (module docstring)."""
    table = cf.read_csv(path, required=("text",), optional=("table", "town"))
    summary = ImportedTexts(path=table.path, rows=len(table))
    if table.extra:
        summary.warnings.append(
            f"{table.path}: these columns are not imported: {', '.join(table.extra)}"
        )
    with db.transaction() as session:
        listening = find_listening(session, slug)
        if listening.status is ListeningStatus.CLOSED:
            raise Conflict(f"'{listening.title}' is closed; reopen it before adding notes")
        tables = {
            name.casefold(): tid
            for tid, name in session.execute(
                select(ListeningTable.id, ListeningTable.name).where(
                    ListeningTable.listening_event_id == listening.id
                )
            )
        }
        notes = []
        for line, row in table:
            text = cf.required_text(table, line, row, "text", MAX_NOTE)
            table_id = None
            if row.get("table"):
                table_id = tables.get(" ".join(row["table"].split()).casefold())
                if table_id is None:
                    known = ", ".join(sorted(tables)) or "none yet"
                    raise table.error(
                        line, "table", f"'{row['table']}' is not a table of '{slug}'",
                        f"use one of: {known}; or add it with "
                        f"'groundswell listening tables {slug} --add NAME'",
                    )  # fmt: skip
            town = cf.optional_text(table, line, row, "town", 80) or listening.town
            verdict = gate(text)
            _count(summary, line, verdict.held, verdict.reason)
            notes.append(
                HarvestNote(
                    listening_event_id=listening.id,
                    table_id=table_id,
                    text=text,
                    source=NoteSource.IMPORT,
                    status=verdict.status,
                    town=town,
                )
            )
        session.add_all(notes)
        record_access(session, actor, "listening.import_notes", "listening_event", slug,
                      {"rows": summary.rows, "held": summary.held})  # fmt: skip
    return summary


def _count(summary: ImportedTexts, line: int, held: bool, why: str) -> None:
    if held:
        summary.held += 1
        summary.held_lines.append(f"line {line}: {why}")
    else:
        summary.visible += 1


def parse_received(value: str) -> date:
    """An ISO date or date-time (2026-05-01, 2026-05-01T10:00) or a UK date (01/05/2026)."""
    found = UK_DATE.match(value)
    if found:
        day, month, year = (int(g) for g in found.groups())
        return date(year, month, day)
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).date()


def do_import_comments(
    db: Database,
    path: str | Path,
    *,
    source: str,
    text_column: str,
    id_column: str | None = None,
    town_column: str | None = None,
    date_column: str | None = None,
    actor: str,
) -> ImportedTexts:
    """Import comments from another channel (module docstring); the user names the columns."""
    source = (source or "").strip().lower()
    if not SOURCE.match(source):
        raise InvalidInput(
            f"source: '{source}' is not a short label; use lower-case letters, digits, - or _ "
            "(40 at most), e.g. fft"
        )
    text_col = (text_column or "").strip().lower()
    if not text_col:
        raise InvalidInput("text column: name the column that holds the comments")
    optional = {
        "id": (id_column or "").strip().lower(),
        "town": (town_column or "").strip().lower(),
        "date": (date_column or "").strip().lower(),
    }
    table = cf.read_csv(
        path, required=(text_col, *(c for c in optional.values() if c)), optional=()
    )
    summary = ImportedTexts(path=table.path, rows=len(table))
    if table.extra:
        summary.warnings.append(
            f"{table.path}: these columns are not imported: {', '.join(table.extra)}"
        )
    id_col, town_col, date_col = optional["id"], optional["town"], optional["date"]
    with db.transaction() as session:
        known: set[str] = set()
        if id_col:
            known = set(
                session.scalars(
                    select(Comment.external_id).where(
                        Comment.source == source, Comment.external_id.is_not(None)
                    )
                )
            )
        seen: dict[str, int] = {}
        comments = []
        for line, row in table:
            external_id = cf.optional_text(table, line, row, id_col, 120) if id_col else None
            if external_id is not None:
                if external_id in seen:
                    raise table.error(
                        line, id_col, f"'{external_id}' is also on line {seen[external_id]}",
                        "give each comment its own id, or remove the repeated row",
                    )  # fmt: skip
                seen[external_id] = line
                if external_id in known:
                    summary.already += 1
                    continue
            text = row[text_col]
            if not text:
                summary.empty += 1
                continue
            text = cf.required_text(table, line, row, text_col, MAX_NOTE)
            received = None
            if date_col and row.get(date_col):
                try:
                    received = parse_received(row[date_col])
                except ValueError:
                    raise table.error(
                        line, date_col, f"'{row[date_col]}' is not a date",
                        "write it as 2026-05-01 or 01/05/2026",
                    ) from None  # fmt: skip
            verdict = gate(text)
            _count(summary, line, verdict.held, verdict.reason)
            comments.append(
                Comment(
                    source=source,
                    text=text,
                    town=cf.optional_text(table, line, row, town_col, 80) if town_col else None,
                    received_on=received,
                    external_id=external_id,
                    status=verdict.status,
                )
            )
        session.add_all(comments)
        record_access(session, actor, "listening.import_comments", "comments", source,
                      {"rows": summary.rows, "held": summary.held})  # fmt: skip
    return summary
