"""The consent registry: append-only, dated, and the people flags follow it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from datacli import dump, point_cli_at, run_cli
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from groundswell.actions.imports import do_import_people
from groundswell.actions.privacy import consent_state, do_record_consent
from groundswell.app import App
from groundswell.errors import ExitStatus, InvalidInput, NotFound
from groundswell.store.models import ConsentEvent, Person

T1 = datetime(2025, 1, 1, tzinfo=UTC)
T2 = datetime(2025, 2, 1, tzinfo=UTC)


def people(app: App, folder: Path) -> None:
    path = folder / "people.csv"
    path.write_text("id,display_name\np1,Amina\np2,Ben\n", encoding="utf-8")
    do_import_people(app, path)


def test_grant_and_withdraw_are_appended_and_flags_follow(any_db: App, tmp_path: Path) -> None:
    people(any_db, tmp_path)
    do_record_consent(any_db, "p1", "contact", True, actor="org", at=T1, note="paper form")
    first = dump(any_db.engine)["consent_events"]
    state = do_record_consent(any_db, "p1", "contact", False, actor="org", at=T2)
    do_record_consent(any_db, "p1", "research", True, actor="org", source="web")
    rows = dump(any_db.engine)["consent_events"]
    assert rows[: len(first)] == first and len(rows) == 3  # earlier rows untouched
    assert state.current == {"contact": False}
    with any_db.reading() as s:
        p1 = s.scalars(select(Person).where(Person.ref == "p1")).one()
    assert (p1.consent_contact, p1.consent_contact_at) == (False, T2)
    shown = consent_state(any_db, "p1")
    assert shown.current == {"contact": False, "research": True}
    assert [e["granted"] for e in shown.events] == [True, False, True]


def test_the_database_refuses_to_change_a_consent_event(any_db: App, tmp_path: Path) -> None:
    people(any_db, tmp_path)
    do_record_consent(any_db, "p1", "analytics", True, actor="org")
    with pytest.raises(DBAPIError, match="append-only"), any_db.transaction() as s:
        s.execute(update(ConsentEvent).values(granted=False))
    assert consent_state(any_db, "p1").current == {"analytics": True}


def test_a_later_import_flag_wins_over_an_older_event(app: App, tmp_path: Path) -> None:
    people(app, tmp_path)
    do_record_consent(app, "p2", "analytics", True, actor="org", at=T1)
    path = tmp_path / "update.csv"
    path.write_text("id,consent_analytics\np2,no\n", encoding="utf-8")
    do_import_people(app, path, update=True)
    assert consent_state(app, "p2").current == {"analytics": False}


def test_bad_requests_change_nothing(app: App, tmp_path: Path) -> None:
    people(app, tmp_path)
    before = dump(app.engine)
    with pytest.raises(InvalidInput, match="'marketing' is not a consent purpose"):
        do_record_consent(app, "p1", "marketing", True, actor="org")
    with pytest.raises(NotFound, match="no person with id 'p9'"):
        do_record_consent(app, "p9", "contact", True, actor="org")
    assert dump(app.engine) == before


def test_consent_command(app: App, tmp_path: Path, monkeypatch, capsys) -> None:
    people(app, tmp_path)
    point_cli_at(monkeypatch, app, tmp_path)
    result = run_cli(capsys, "privacy", "consent", "p1", "stories", "--grant", "--actor", "me")
    assert result.code == 0 and "granted consent for stories" in result.out
    result = run_cli(capsys, "privacy", "consent", "p1", "--json")
    assert result.code == 0 and '"stories": true' in result.out
    both = run_cli(capsys, "privacy", "consent", "p1", "stories", "--grant", "--withdraw")
    assert both.code == ExitStatus.INPUT and "not both" in both.err
    unknown = run_cli(capsys, "privacy", "consent", "zz", "contact", "--grant")
    assert unknown.code == ExitStatus.NOT_FOUND
