"""What every CSV import shares: finding people by id, refusing repeated rows, batched writes
and the summary an import reports.

The people, ties and recruitment imports (``actions.imports``), the measures
import and the campaign import all use these, so that every import checks,
writes and reports the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.actions import csvfiles as cf
from groundswell.errors import Conflict
from groundswell.store.models import Person

Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) as an import writes."""

CHUNK = 5_000  # rows per INSERT batch: big enough to be fast, small enough to show progress


@dataclass
class ImportSummary:
    """What an import did: rows read, records created and updated, warnings."""

    path: str
    table: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def person_ids_by_ref(session: Session) -> dict[str, int]:
    return {ref: pid for ref, pid in session.execute(select(Person.ref, Person.id))}


def person_id_of(
    table: cf.CsvTable, line: int, row: dict[str, str], column: str, ids: dict[str, int]
) -> int:
    ref = cf.required_text(table, line, row, column, 64)
    try:
        return ids[ref]
    except KeyError:
        raise table.error(
            line, column, f"'{ref}' is not a person in the database",
            "import them first with 'groundswell import people', or correct the id",
        ) from None  # fmt: skip


def check_once(
    table: cf.CsvTable, lines: dict[Any, int], key: Any, line: int, column: str, what: str, fix: str
) -> None:
    """Record ``key`` at ``line``; a second row with the same key names both lines."""
    first = lines.setdefault(key, line)
    if first != line:
        raise table.error(line, column, f"{what}, on lines {first} and {line}", fix)


def write_rows(
    session: Session,
    model: type[Any],
    created: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    progress: Progress | None,
) -> None:
    total, done = len(created) + len(changed), 0
    try:
        # Core INSERT on the table skips the ORM bulk bookkeeping (a third faster).
        for rows, statement in ((created, insert(model.__table__)), (changed, update(model))):
            for start in range(0, len(rows), CHUNK):
                batch = rows[start : start + CHUNK]
                # An update row holding only its key has nothing to change.
                writes = [r for r in batch if len(r) > 1]
                if writes:
                    session.execute(statement, writes)
                done += len(batch)
                if progress:
                    progress(done, total)
        session.flush()
    except IntegrityError as exc:
        # Only a concurrent writer can get here: every constraint was checked above.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise Conflict(
            f"the database changed during the import ({reason}); nothing was imported, "
            "run the import again"
        ) from None


def new_summary(table: cf.CsvTable, name: str) -> ImportSummary:
    summary = ImportSummary(path=table.path, table=name)
    if table.extra:
        summary.warnings.append(
            f"{table.path}: these columns are not imported: {', '.join(table.extra)} "
            f"(Groundswell reads {', '.join(table.known)})"
        )
    if not table.rows:
        summary.warnings.append(f"{table.path}: there are no rows after the header")
    return summary


def finish_summary(
    summary: ImportSummary,
    rows: int,
    created: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    started: float,
) -> ImportSummary:
    summary.rows, summary.created, summary.updated = rows, len(created), len(changed)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
