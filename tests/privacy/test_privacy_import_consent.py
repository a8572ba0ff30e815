"""Importing people with consent answers writes them to the consent registry too."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from groundswell.actions.imports import do_import_people
from groundswell.actions.privacy import consent_state
from groundswell.app import App
from groundswell.store.models import ConsentEvent, Person


def events(app: App) -> list[tuple[str, str, bool, str, str]]:
    with app.reading() as s:
        rows = s.execute(
            select(Person.ref, ConsentEvent.purpose, ConsentEvent.granted, ConsentEvent.source,
                   ConsentEvent.note)
            .join(Person, Person.id == ConsentEvent.person_id)
            .order_by(ConsentEvent.id)
        ).all()  # fmt: skip
    return [(r, p.value, g, s, n) for r, p, g, s, n in rows]


def test_low_importing_people_with_consent_flags_writes_consent_events(
    any_db: App, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "id,consent_contact,consent_analytics,consent_analytics_at\n"
        "p1,yes,no,2025-01-05\np2,no,yes,\n",
        encoding="utf-8",
    )
    do_import_people(any_db, path)
    note = "imported from people.csv"
    assert events(any_db) == [
        ("p1", "contact", True, "import", note),
        ("p2", "contact", False, "import", note),
        ("p1", "analytics", False, "import", note),
        ("p2", "analytics", True, "import", note),
    ]
    state = consent_state(any_db, "p1")
    assert state.current == {"contact": True, "analytics": False}
    assert state.since["analytics"] == datetime(2025, 1, 5, tzinfo=UTC).isoformat()

    # An update records the answers that changed; an unchanged one adds nothing.
    again = tmp_path / "update.csv"
    again.write_text("id,consent_contact\np1,yes\np2,yes\n", encoding="utf-8")
    do_import_people(any_db, again, update=True)
    assert events(any_db)[4:] == [("p2", "contact", True, "import", "imported from update.csv")]


def test_low_people_imported_without_consent_columns_have_no_events(
    any_db: App, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,town\np1,Keighley\n", encoding="utf-8")
    do_import_people(any_db, path)
    assert events(any_db) == []
