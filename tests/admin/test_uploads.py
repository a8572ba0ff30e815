"""Uploads on SQLite and PostgreSQL: held privately, previewed without writing, imported once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from groundswell.actions.uploads import (
    HeldUpload,
    clean_name,
    discard_upload,
    do_import_upload,
    hold_upload,
    preview_upload,
)
from groundswell.app import App
from groundswell.errors import InputFileError, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, ConsentEvent, Person

GOOD = b"id,town,consent_contact\na1,Leeds,yes\na2,York,no\n"


def _people(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def _consents(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(ConsentEvent)) or 0)


def test_preview_writes_nothing_and_confirm_imports_once(db_app: App, tmp_path: Path) -> None:
    held = hold_upload(tmp_path, 7, "people", "../../Sheet (May).csv", GOOD)
    assert held.filename == "Sheet May.csv"
    stored = next((tmp_path / "uploads").iterdir())
    assert stored.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "uploads").stat().st_mode & 0o777 == 0o700
    for _ in range(2):  # a preview can be looked at again: it never writes
        summary = preview_upload(db_app, tmp_path, 7, held)
        assert (summary.rows, summary.created, summary.updated) == (2, 2, 0)
        assert summary.path == "Sheet May.csv"
    assert _people(db_app) == 0 and _consents(db_app) == 0
    with pytest.raises(NotFound):  # another account's token is not theirs to import
        do_import_upload(db_app, tmp_path, 8, held, update=False, actor="x@example.org")
    done = do_import_upload(db_app, tmp_path, 7, held, update=False, actor="ada@example.org")
    assert (done.created, _people(db_app), _consents(db_app)) == (2, 2, 2)
    assert not stored.exists()
    with db_app.reading() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "imports.people")).one()
    assert (audit.actor, audit.subject_id, audit.detail["created"]) == (
        "ada@example.org", "Sheet May.csv", 2)  # fmt: skip
    with pytest.raises(NotFound, match="upload the file again"):
        do_import_upload(db_app, tmp_path, 7, held, update=False, actor="ada@example.org")


def test_a_bad_row_is_refused_by_the_uploaded_name_and_nothing_is_written(
    db_app: App, tmp_path: Path
) -> None:
    held = hold_upload(tmp_path, 1, "people", "people.csv", GOOD + b"a3,Leeds,maybe\n")
    with pytest.raises(InputFileError) as caught:
        preview_upload(db_app, tmp_path, 1, held)
    message = caught.value.message
    assert message.startswith("people.csv, line 4, field 'consent_contact'")
    assert "uploads" not in message and caught.value.path == "people.csv"
    assert _people(db_app) == 0 and _consents(db_app) == 0
    with pytest.raises(InputFileError):
        do_import_upload(db_app, tmp_path, 1, held, update=False, actor="a@example.org")
    assert _people(db_app) == 0


def test_ties_need_their_people_and_updates_need_update(db_app: App, tmp_path: Path) -> None:
    people = hold_upload(tmp_path, 1, "people", "p.csv", GOOD)
    do_import_upload(db_app, tmp_path, 1, people, update=False, actor="a@example.org")
    ties = hold_upload(tmp_path, 1, "ties", "t.csv", b"source,target\na1,a2\na1,zz\n")
    with pytest.raises(InputFileError, match=r"t.csv, line 3, field 'target': 'zz' is not"):
        preview_upload(db_app, tmp_path, 1, ties)
    again = hold_upload(tmp_path, 1, "people", "p.csv", GOOD)
    with pytest.raises(InputFileError, match="already in the database"):
        preview_upload(db_app, tmp_path, 1, again)
    assert preview_upload(db_app, tmp_path, 1, again, update=True).updated == 2
    discard_upload(tmp_path, 1, again)
    discard_upload(tmp_path, 1, ties)
    assert not list((tmp_path / "uploads").glob("1-*"))


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [("grades", GOOD, InvalidInput), ("people", b"  \n", InputFileError)],
)
def test_refused_before_holding(tmp_path: Path, kind: str, data: bytes, error: type) -> None:
    with pytest.raises(error):
        hold_upload(tmp_path, 1, kind, "x.csv", data)
    assert not list(tmp_path.glob("uploads/*.csv"))


def test_forged_tokens_are_not_found(db_app: App, tmp_path: Path) -> None:
    for token, kind in (("../../etc/passwd", "people"), ("a" * 32, "people"), ("a" * 32, "x")):
        with pytest.raises(NotFound):
            preview_upload(db_app, tmp_path, 1, HeldUpload(token, kind, "x.csv"))
    assert clean_name("", "ties") == "ties.csv"


def test_an_attendance_sheet_is_previewed_then_imported_for_its_event(
    db_app: App, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from groundswell.actions.events import EventDetails, do_create_event
    from groundswell.store.models import Attendance

    people = hold_upload(tmp_path, 1, "people", "p.csv", GOOD)
    do_import_upload(db_app, tmp_path, 1, people, update=False, actor="a@example.org")
    details = EventDetails(title="Walk on the prom", starts_at=datetime(2026, 5, 1, 17, tzinfo=UTC))
    do_create_event(db_app, "prom-walk", details, actor="a@example.org")
    sheet = b"id,display_name,email,consent_contact\na1,,,\n,Sam New,sam@example.org,yes\n"
    held = hold_upload(tmp_path, 1, "attendance", "sign-in.csv", sheet)
    with pytest.raises(InvalidInput, match="choose the event"):
        preview_upload(db_app, tmp_path, 1, held)
    held = HeldUpload(held.token, held.kind, held.filename, "nope")
    with pytest.raises(NotFound, match="no event 'nope'"):
        preview_upload(db_app, tmp_path, 1, held)
    held = HeldUpload(held.token, held.kind, held.filename, "prom-walk")
    preview = preview_upload(db_app, tmp_path, 1, held)
    assert (preview.rows, preview.created) == (2, 2) and preview.notes[0].startswith("1 of them")
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
    assert _people(db_app) == 2
    done = do_import_upload(db_app, tmp_path, 1, held, update=False, actor="a@example.org")
    assert done.created == 2 and _people(db_app) == 3
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 2
    bad = hold_upload(tmp_path, 1, "attendance", "sheet.csv", b"id\nzz\n")
    bad = HeldUpload(bad.token, bad.kind, bad.filename, "prom-walk")
    with pytest.raises(InputFileError, match=r"^sheet.csv, line 2, field 'id': 'zz' is not"):
        preview_upload(db_app, tmp_path, 1, bad)
