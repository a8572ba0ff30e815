"""Subject access exports (everything about one person) and pseudonymised analytics exports.

A subject access export holds every row of every table that refers to the
person: their ``people`` row, each table with a column that refers to people
(found from the models, so a new table is included without a change here),
the participants their accounts voted as when signed in, their votes and
statements through their participants, each story's consent trail and the
responses to it, and the audit events about them. Password hashes are left
out (a credential, not information about them). JSON is one document ``subject-access.json``; CSV is
one file per table.

A pseudonymised export holds the people who have consented to analytics, with
their ref replaced by ``HMAC-SHA256(key, ref)`` (``groundswell.privacy``) and
their display name left out, and the ties and recruitment among them, in the
layout ``groundswell import`` and ``groundswell spread`` read. Both exports are
recorded in the audit trail.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session, aliased

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.erasure import account_participants, person_columns
from groundswell.actions.outfiles import out_targets, write_csv, writing_into
from groundswell.actions.privacy import find_person
from groundswell.csvsafe import write_private
from groundswell.privacy import pseudonym
from groundswell.store.models import Base, Person, Recruitment, Tie

Format = Literal["json", "csv"]
SUBJECT_JSON = "subject-access.json"
PSEUDONYM_FILES = ("people.csv", "ties.csv", "recruitment.csv")


@dataclass
class ExportSummary:
    """Files written and rows per table."""

    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Held about them, but a credential rather than information about them: an Argon2
# hash lets whoever holds the export guess the password offline.
LEFT_OUT = {"users": ("password_hash",)}
# Rows that belong to rows of theirs: (table, column) referring to the owner's id.
BELONGING = {
    "participants": (("votes", "participant_id"), ("statements", "author_id")),
    "stories": (
        ("story_events", "story_id"),
        ("story_responses", "story_id"),
        ("story_contacts", "story_id"),  # the address they chose to hear about it at
    ),
}


def subject_access_document(
    app: Database, ref: str, *, actor: str, secret: bytes | None = None
) -> dict[str, Any]:
    """Everything about one person as ``{"person": ref, "tables": {name: [row, ...]}}``.

    Reading it is recorded in the audit trail (the audit row is written first so
    the export shows it too). ``secret``, the server's signing key, finds the
    votes and statements of their accounts, cast under a key derived from it.
    """
    with app.transaction() as session:
        person = find_person(session, ref)
        record_access(session, actor, "privacy.subject_access", "person", ref)
        session.flush()
        tables = _subject_rows(session, person, secret)
    return {"person": ref, "tables": tables}


def _subject_rows(
    session: Session, person: Person, secret: bytes | None
) -> dict[str, list[dict[str, Any]]]:
    pid = person.id
    found: dict[str, list[dict[str, Any]]] = {}
    metadata = Base.metadata.tables
    people = metadata["people"]
    found["people"] = _rows(session, people, people.c.id == pid)
    by_table: dict[str, list[Any]] = {}
    for table, column in person_columns():
        by_table.setdefault(table.name, []).append(table.c[column] == pid)
    signed_in = account_participants(session, pid, secret)
    if signed_in:
        by_table["participants"].append(metadata["participants"].c.id.in_(signed_in))
    for name, conditions in by_table.items():
        found[name] = _rows(session, metadata[name], or_(*conditions))
    # Their participants are the key to their votes and statements; their stories to
    # each story's consent trail and the responses to it.
    for owner, children in BELONGING.items():
        ids = [row["id"] for row in found.get(owner, [])]
        for name, column in children if ids else ():
            table = metadata[name]
            found[name] = _rows(session, table, table.c[column].in_(ids))
    audit = metadata["audit_events"]
    about = (audit.c.subject_type == "person") & audit.c.subject_id.in_([person.ref, str(pid)])
    found["audit_events"] = _rows(session, audit, about)
    return {name: rows for name, rows in found.items() if rows}


def _rows(session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in LEFT_OUT.get(table.name, ())]
    result = session.execute(select(*columns).where(where).order_by(*table.primary_key.columns))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def do_subject_access_export(
    app: Database,
    ref: str,
    folder: Path,
    *,
    fmt: Format,
    actor: str,
    overwrite: bool = False,
    secret: bytes | None = None,
) -> ExportSummary:
    """Write everything about one person to ``folder`` as JSON or one CSV per table."""
    document = subject_access_document(app, ref, actor=actor, secret=secret)
    tables: dict[str, list[dict[str, Any]]] = document["tables"]
    names = [SUBJECT_JSON] if fmt == "json" else [f"{t}.csv" for t in tables]
    targets = out_targets(folder, names, overwrite)
    summary = ExportSummary(
        files=[str(t) for t in targets], counts={t: len(r) for t, r in tables.items()}
    )
    with writing_into(folder):
        if fmt == "json":
            text = json.dumps(document, indent=1, ensure_ascii=False, default=str)
            write_private(targets[0], text + "\n")
            return summary
        for target, rows in zip(targets, tables.values(), strict=True):
            write_csv(target, list(rows[0]), ([r[c] for c in rows[0]] for r in rows))
    return summary


def do_pseudonymised_export(
    app: Database, folder: Path, *, key: bytes, actor: str, overwrite: bool = False
) -> ExportSummary:
    """People who consented to analytics, their ties and recruitment, under keyed pseudonyms."""
    targets = out_targets(folder, list(PSEUDONYM_FILES), overwrite)
    summary = ExportSummary(files=[str(t) for t in targets])
    with app.transaction() as session:
        consenting = Person.consent_analytics.is_(True)
        people = session.execute(
            select(Person.ref, Person.town, Person.kind, Person.joined_at)
            .where(consenting)
            .order_by(Person.id)
        ).all()
        a, b = aliased(Person), aliased(Person)
        both = a.consent_analytics.is_(True) & b.consent_analytics.is_(True)
        ties = session.execute(
            select(a.ref, b.ref, Tie.kind, Tie.weight, Tie.observed_at)
            .join(a, Tie.source_id == a.id)
            .join(b, Tie.target_id == b.id)
            .where(both)
            .order_by(Tie.id)
        ).all()
        recruitment = session.execute(
            select(a.ref, b.ref, Recruitment.at)
            .join(a, Recruitment.recruiter_id == a.id)
            .join(b, Recruitment.recruit_id == b.id)
            .where(both)
            .order_by(Recruitment.id)
        ).all()
        ps = {ref: pseudonym(key, ref) for ref, *_ in people}
        content: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {
            "people": (
                ["id", "town", "kind", "joined_at"],
                [(ps[r], t, _plain(k), _day(j)) for r, t, k, j in people],
            ),
            "ties": (
                ["source", "target", "kind", "weight", "observed_at"],
                [(ps[s], ps[t], k, w, _day(o)) for s, t, k, w, o in ties],
            ),
            "recruitment": (
                ["recruiter", "recruit", "at"],
                [(ps[s], ps[t], _day(at)) for s, t, at in recruitment],
            ),
        }
        summary.counts = {name: len(rows) for name, (_, rows) in content.items()}
        record_access(
            session, actor, "privacy.pseudonymise", detail={"folder": str(folder), **summary.counts}
        )
        with writing_into(folder):
            for target, (columns, rows) in zip(targets, content.values(), strict=True):
                write_csv(target, columns, rows)
    return summary


def _day(value: datetime | None) -> str | None:
    # Dates, not times: a time of day adds re-identification risk and no analysis needs it.
    return value.date().isoformat() if value else None
