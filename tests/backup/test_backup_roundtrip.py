"""``groundswell backup`` / ``restore`` give back exactly the database that was backed up."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from datacli import dump, point_cli_at, run_cli
from movement import SUBJECT, build_movement
from sqlalchemy import delete, insert

from groundswell.actions.backup import do_backup, do_restore
from groundswell.actions.erasure import do_erase
from groundswell.app import App
from groundswell.errors import Conflict, ExitStatus, InputFileError
from groundswell.store.models import AuditEvent, Person


def without_restores(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The dump less the audit row that the restore itself records."""
    audit = [row for row in tables["audit_events"] if row[3] != "database.restore"]
    return {**tables, "audit_events": audit}


def test_round_trip(any_db: App, tmp_path: Path) -> None:
    build_movement(any_db)
    target = tmp_path / "gs.backup"
    summary = do_backup(any_db, target, actor="admin")
    snapshot = dump(any_db.engine)  # includes the backup's own audit row
    assert summary.bytes > 0 and summary.revision is not None

    do_erase(any_db, SUBJECT, actor="dpo")  # change everything about one person
    with any_db.transaction() as s:
        s.execute(insert(Person), [{"ref": "late", "display_name": "After"}])
    assert dump(any_db.engine) != snapshot

    do_restore(any_db, target, actor="admin")
    restored = dump(any_db.engine)
    assert without_restores(restored) == snapshot
    assert [r[3] for r in restored["audit_events"]][-1] == "database.restore"
    any_db.check()


def test_cli_round_trip(any_db: App, tmp_path: Path, monkeypatch, capsys) -> None:
    build_movement(any_db)
    point_cli_at(monkeypatch, any_db, tmp_path)
    target = tmp_path / "cli.backup"
    result = run_cli(capsys, "backup", str(target), "--actor", "admin")
    assert result.code == 0, result.err
    snapshot = dump(any_db.engine)
    assert run_cli(capsys, "backup", str(target)).code == ExitStatus.CONFLICT
    with any_db.transaction() as s:
        s.execute(delete(AuditEvent))
    refused = run_cli(capsys, "restore", str(target))
    assert refused.code == ExitStatus.INPUT and "--yes" in refused.err
    result = run_cli(capsys, "restore", str(target), "--yes", "--json")
    assert result.code == 0, result.err
    assert without_restores(dump(any_db.engine)) == snapshot


def test_wrong_kind_of_file_is_refused(any_db: App, tmp_path: Path) -> None:
    bad = tmp_path / "people.csv"
    bad.write_text("id\np1\n", encoding="utf-8")
    before = dump(any_db.engine)
    with pytest.raises(InputFileError, match="not a backup of"):
        do_restore(any_db, bad, actor="admin")
    with pytest.raises(InputFileError, match="no such file"):
        do_restore(any_db, tmp_path / "missing", actor="admin")
    assert dump(any_db.engine) == before


def test_backup_refuses_to_overwrite(app: App, tmp_path: Path) -> None:
    target = tmp_path / "b"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(Conflict, match="already exists"):
        do_backup(app, target, actor="admin")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_sqlite_backup_is_consistent_while_writing(app: App, tmp_path: Path) -> None:
    """A backup taken while another connection writes holds whole transactions only."""
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with app.transaction() as s:  # ten people per transaction
                s.execute(insert(Person), [{"ref": f"w{n}-{i}"} for i in range(10)])
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for i in range(5):
            target = tmp_path / f"live{i}.backup"
            do_backup(app, target, actor="admin")
            with sqlite3.connect(target) as copy:
                (people,) = copy.execute("SELECT count(*) FROM people").fetchone()
                assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert people % 10 == 0
    finally:
        stop.set()
        thread.join()
