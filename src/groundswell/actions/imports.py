"""Import people, ties and recruitment from organisers' CSV files.

Each import is all or nothing: the whole file is checked inside one
transaction and the first bad value stops it with one line naming the file,
line, field and the fix, leaving the database exactly as it was.

A person, tie or recruitment that is already in the database is an error
unless ``update=True`` (``--update`` on the command line): an organiser who
re-imports last month's sheet by mistake should not overwrite today's consent
flags silently. With ``update=True`` the columns present in the file replace
the stored values (an empty cell clears an optional value) and columns absent
from the file are left alone. A row repeated within one file is always an
error naming both lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
from groundswell.actions.file_layout import (
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    RECRUITMENT_OPTIONAL,
    RECRUITMENT_REQUIRED,
    TIES_OPTIONAL,
    TIES_REQUIRED,
)
from groundswell.actions.import_rows import (
    CHUNK,
    ImportSummary,
    Progress,
    check_once,
    finish_summary,
    new_summary,
    person_id_of,
    person_ids_by_ref,
    write_rows,
)
from groundswell.store.models import (
    ConsentEvent,
    ConsentPurpose,
    Person,
    PersonKind,
    Recruitment,
    Tie,
    utcnow,
)

KINDS = [k.value for k in PersonKind]


def do_import_people(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import people: ``id`` (required) plus display name, town, kind, consent, joined date."""
    started = time.perf_counter()
    table = cf.read_csv(path, required=PEOPLE_REQUIRED, optional=PEOPLE_OPTIONAL)
    summary = new_summary(table, "people")
    now = utcnow()
    with app.transaction() as session:
        stored = {
            ref: (pid, contact, analytics)
            for ref, pid, contact, analytics in session.execute(
                select(Person.ref, Person.id, Person.consent_contact, Person.consent_analytics)
            )
        }
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        lines: dict[str, int] = {}
        for line, row in table:
            ref = cf.required_text(table, line, row, "id", 64)
            check_once(
                table, lines, ref, line, "id", f"'{ref}' appears twice", "keep one row per person"
            )
            values = _person_values(table, line, row)
            if ref not in stored:
                created.append(_new_person(ref, values, now))
                continue
            if not update:
                raise table.error(
                    line, "id", f"'{ref}' is already in the database",
                    "use --update to change existing people, or remove this row",
                )  # fmt: skip
            pid, contact, analytics = stored[ref]
            changed.append(_changed_person(pid, values, contact, analytics, now))
        write_rows(session, Person, created, changed, progress)
        before = {pid: (contact, analytics) for pid, contact, analytics in stored.values()}
        _record_consent(session, table.path, created, changed, before, now)
    return finish_summary(summary, len(table), created, changed, started)


def _record_consent(
    session: Session,
    path: str,
    created: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    before: dict[int, tuple[bool, bool]],
    now: datetime,
) -> None:
    """One consent event per answer the file gives (a new person's, or a changed one), so
    the registry holds every grant and withdrawal, as ``do_record_consent`` keeps it."""
    answered = any(p["consent_contact_at"] or p["consent_analytics_at"] for p in created)
    ids = person_ids_by_ref(session) if answered else {}
    events: list[dict[str, Any]] = []
    note = f"imported from {Path(path).name}"[:280]
    for purpose, flag, old in (
        ("contact", "consent_contact", 0),
        ("analytics", "consent_analytics", 1),
    ):
        answers = [(ids[p["ref"]], p[flag], p[f"{flag}_at"]) for p in created if p[f"{flag}_at"]]
        answers += [
            (p["id"], p[flag], p.get(f"{flag}_at") or now)
            for p in changed
            if flag in p and (p[flag] != before[p["id"]][old] or p.get(f"{flag}_at"))
        ]
        events += [
            {"person_id": pid, "purpose": ConsentPurpose(purpose), "granted": granted, "at": at,
             "source": "import", "actor": "import", "note": note}
            for pid, granted, at in answers
        ]  # fmt: skip
    for start in range(0, len(events), CHUNK):
        session.execute(insert(ConsentEvent), events[start : start + CHUNK])


def _person_values(table: cf.CsvTable, line: int, row: dict[str, str]) -> dict[str, Any]:
    """The values of the columns present in the file, parsed."""
    parsers: dict[str, Callable[[], Any]] = {
        "display_name": lambda: cf.optional_text(table, line, row, "display_name", 120),
        "town": lambda: cf.optional_text(table, line, row, "town", 80),
        "kind": lambda: PersonKind(cf.choice(table, line, row, "kind", KINDS, "citizen")),
        "consent_contact": lambda: cf.boolean(table, line, row, "consent_contact"),
        "consent_contact_at": lambda: cf.timestamp(table, line, row, "consent_contact_at"),
        "consent_analytics": lambda: cf.boolean(table, line, row, "consent_analytics"),
        "consent_analytics_at": lambda: cf.timestamp(table, line, row, "consent_analytics_at"),
        "joined_at": lambda: cf.timestamp(table, line, row, "joined_at"),
    }
    return {column: parsers[column]() for column in table.columns if column in parsers}


def _new_person(ref: str, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    person = {
        "ref": ref,
        "display_name": values.get("display_name"),
        "town": values.get("town"),
        "kind": values.get("kind", PersonKind.CITIZEN),
        "joined_at": values.get("joined_at"),
        "created_at": now,
    }
    for flag in ("consent_contact", "consent_analytics"):
        person[flag] = values.get(flag, False)
        # A consent answer given in the file is dated: by the file, else by this import.
        given = flag in values or values.get(flag + "_at") is not None
        person[flag + "_at"] = (values.get(flag + "_at") or now) if given else None
    return person


def _changed_person(
    pid: int, values: dict[str, Any], contact: bool, analytics: bool, now: datetime
) -> dict[str, Any]:
    person = {"id": pid, **values}
    for flag, before in (("consent_contact", contact), ("consent_analytics", analytics)):
        if person.get(flag + "_at") is None:
            person.pop(flag + "_at", None)  # an empty date never erases when consent was set
            if flag in values and values[flag] != before:
                person[flag + "_at"] = now
    return person


def do_import_ties(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import ties: ``source``, ``target`` (people already imported), kind, weight, date."""
    started = time.perf_counter()
    table = cf.read_csv(path, required=TIES_REQUIRED, optional=TIES_OPTIONAL)
    summary = new_summary(table, "ties")
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        stored = {
            (s, t, k): tid
            for s, t, k, tid in session.execute(
                select(Tie.source_id, Tie.target_id, Tie.kind, Tie.id)
            )
        }
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        lines: dict[tuple[int, int, str], int] = {}
        for line, row in table:
            source = person_id_of(table, line, row, "source", ids)
            target = person_id_of(table, line, row, "target", ids)
            if source == target:
                raise table.error(
                    line, "target", f"this is a tie from '{row['source']}' to themself",
                    "a tie joins two different people; remove this row",
                )  # fmt: skip
            tie: dict[str, Any] = {
                "source_id": source,
                "target_id": target,
                "kind": cf.optional_text(table, line, row, "kind", 32) or "knows",
                "weight": cf.positive_number(table, line, row, "weight", 1.0),
                "observed_at": cf.timestamp(table, line, row, "observed_at"),
                "origin": cf.optional_text(table, line, row, "origin", 32) or "import",
            }
            key = (source, target, tie["kind"])
            what = f"the tie {row['source']} -> {row['target']} ({tie['kind']})"
            check_once(
                table, lines, key, line, "target", f"{what} appears twice", "keep one row per tie"
            )
            if key not in stored:
                created.append(tie)
                continue
            if not update:
                raise table.error(
                    line, "target", f"{what} is already in the database",
                    "use --update to change its weight or date, or remove this row",
                )  # fmt: skip
            changed.append({"id": stored[key], **_present(tie, table.columns)})
        write_rows(session, Tie, created, changed, progress)
    return finish_summary(summary, len(table), created, changed, started)


def do_import_recruitment(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import who brought whom: ``recruiter``, ``recruit`` (one recruiter each), ``at``."""
    started = time.perf_counter()
    table = cf.read_csv(path, required=RECRUITMENT_REQUIRED, optional=RECRUITMENT_OPTIONAL)
    summary = new_summary(table, "recruitment")
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        stored = {
            recruit: (rid, recruiter)
            for rid, recruit, recruiter in session.execute(
                select(Recruitment.id, Recruitment.recruit_id, Recruitment.recruiter_id)
            )
        }
        recruiters = {recruit: recruiter for recruit, (_, recruiter) in stored.items()}
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        lines: dict[int, int] = {}  # recruit -> line in the file
        for line, row in table:
            recruiter = person_id_of(table, line, row, "recruiter", ids)
            recruit = person_id_of(table, line, row, "recruit", ids)
            if recruiter == recruit:
                raise table.error(
                    line, "recruiter", f"'{row['recruit']}' cannot recruit themself",
                    "remove this row or correct the recruiter",
                )  # fmt: skip
            what = f"'{row['recruit']}' has two recruiters"
            check_once(table, lines, recruit, line, "recruit", what, "a person has one recruiter")
            item = {
                "recruiter_id": recruiter,
                "recruit_id": recruit,
                "at": cf.timestamp(table, line, row, "at"),
            }
            recruiters[recruit] = recruiter
            if recruit not in stored:
                created.append(item)
                continue
            if not update:
                raise table.error(
                    line, "recruit", f"'{row['recruit']}' already has a recruiter in the database",
                    "use --update to change it, or remove this row",
                )  # fmt: skip
            item["id"] = stored[recruit][0]
            changed.append(_present(item, ["id", "recruiter_id", *table.columns]))
        _check_no_loops(table, recruiters, lines, ids)
        write_rows(session, Recruitment, created, changed, progress)
    return finish_summary(summary, len(table), created, changed, started)


def _check_no_loops(
    table: cf.CsvTable, recruiters: dict[int, int], by_recruit: dict[int, int], ids: dict[str, int]
) -> None:
    """Refuse recruitment that loops (a recruited b, b recruited a): it has no first recruiter."""
    # Each person has at most one recruiter, so following recruiters is a walk in a
    # functional graph: colour nodes (1 on the current walk, 2 finished) for O(n).
    state: dict[int, int] = {}
    for start in by_recruit:
        path: list[int] = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = recruiters.get(node)
        if node is not None and state[node] == 1:
            loop = path[path.index(node) :]
            line = max(by_recruit.get(p, 0) for p in loop)
            refs = {v: k for k, v in ids.items()}
            names = [refs[p] for p in reversed(loop)][:6]
            chain = " -> ".join([*names, names[0]] if len(loop) <= 6 else [*names, "..."])
            raise table.error(
                line, "recruiter", f"this makes a loop of recruitment ({chain})",
                "a person cannot be recruited by someone they brought in",
            )  # fmt: skip
        for p in path:
            state[p] = 2


def _present(values: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """The values whose column is in the file (an update leaves the others alone)."""
    return {k: v for k, v in values.items() if k in columns}
