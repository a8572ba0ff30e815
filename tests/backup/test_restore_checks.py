"""A restore checks the file in a scratch database first; a bad file leaves the live one as is."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from datacli import dump
from movement import build_movement
from privacydb import scratch_postgres
from sqlalchemy import insert, text

from groundswell.actions.backup import _binary, do_backup, do_restore
from groundswell.app import App
from groundswell.errors import InputFileError
from groundswell.settings import load_settings
from groundswell.store import migrate
from groundswell.store.models import Person


def other_database(app: App, tmp_path: Path, suffix: str) -> App:
    """A second, empty database of the same kind as ``app`` (not migrated)."""
    if app.is_sqlite:
        url = f"sqlite:///{tmp_path / f'{suffix}.db'}"
    else:
        found = scratch_postgres(suffix)
        assert found is not None
        url = found
    return App.build(load_settings({}, data_dir=tmp_path / suffix, database_url=url))


def foreign_backup(app: App, tmp_path: Path, setup: list[str]) -> Path:
    """A backup, in the right format, of a database that is not Groundswell's."""
    other = other_database(app, tmp_path, "foreign")
    with other.engine.begin() as conn:
        for statement in setup:
            conn.execute(text(statement))
    target = tmp_path / "foreign.backup"
    if app.is_sqlite:
        other.close()
        Path(str(other.engine.url.database)).rename(target)
    else:
        url = other.engine.url
        env = {"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin"}
        argv = [_binary("pg_dump"), "-Fc", "-h", url.host or "", "-p", str(url.port or 5432)]
        argv += ["-U", url.username or "", "-f", str(target), url.database or ""]
        subprocess.run(argv, env=env, check=True)
        other.close()
    return target


def leftover_scratch(app: App) -> list[str]:
    """Scratch databases a restore left behind (PostgreSQL) or scratch folders (SQLite)."""
    if app.is_sqlite:
        return [p.name for p in Path(str(app.engine.url.database)).parent.glob(".restore-*")]
    with app.engine.connect() as conn:
        # Only this database's scratch copies: other test processes restore beside it.
        prefix = f"{(app.engine.url.database or 'groundswell')[:40]}_restore_"
        rows = conn.execute(
            text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"), {"p": prefix}
        )
        return [r[0] for r in rows]


NOT_GROUNDSWELL = {
    "no revision": ["CREATE TABLE notes (id integer PRIMARY KEY, body text)"],
    "a known revision but none of its tables": [
        "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0009')",
        "CREATE TABLE notes (id integer PRIMARY KEY, body text)",
    ],
    "an unknown revision": [
        "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('9f3e0c1d2b7a')",
    ],
}


@pytest.mark.parametrize("case", list(NOT_GROUNDSWELL))
def test_finding_3_restoring_a_file_that_is_not_a_groundswell_backup_leaves_the_database(
    any_db: App, tmp_path: Path, case: str
) -> None:
    build_movement(any_db)
    bad = foreign_backup(any_db, tmp_path, NOT_GROUNDSWELL[case])
    before = dump(any_db.engine)
    with pytest.raises(InputFileError) as refused:
        do_restore(any_db, bad, actor="admin")
    message = str(refused.value)
    assert str(bad) in message and ("Groundswell" in message or "revision" in message)
    any_db.engine.dispose()
    assert dump(any_db.engine) == before  # not one row changed, the audit trail included
    any_db.check()
    assert leftover_scratch(any_db) == []


def test_finding_3_a_damaged_sqlite_backup_is_refused_before_the_live_file_is_touched(
    app: App, tmp_path: Path
) -> None:
    build_movement(app)
    good = tmp_path / "good.backup"
    do_backup(app, good, actor="admin")
    damaged = tmp_path / "damaged.backup"
    data = bytearray(good.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\xff" * 4096  # a page of garbage
    damaged.write_bytes(bytes(data))
    before = dump(app.engine)
    with pytest.raises(InputFileError):
        do_restore(app, damaged, actor="admin")
    assert dump(app.engine) == before


def test_finding_3_an_older_backup_is_upgraded_in_the_scratch_copy(
    any_db: App, tmp_path: Path
) -> None:
    old = other_database(any_db, tmp_path, "old")
    migrate.upgrade(old.engine, "0008")
    with old.engine.begin() as conn:
        conn.execute(insert(Person).values(ref="kept"))
    target = tmp_path / "old.backup"
    do_backup(old, target, actor="admin")
    old.close()
    summary = do_restore(any_db, target, actor="admin")
    assert summary.revision == migrate.head_revision(any_db.engine)
    any_db.check()
    with any_db.reading() as s:
        assert s.scalar(text("SELECT ref FROM people")) == "kept"
        detail = s.scalar(text("SELECT detail FROM audit_events ORDER BY id DESC LIMIT 1"))
    assert "0008" in str(detail)  # the audit row names the revision the backup was at


def test_low_backup_files_are_readable_by_their_owner_only(any_db: App, tmp_path: Path) -> None:
    build_movement(any_db)
    target = tmp_path / "private.backup"
    do_backup(any_db, target, actor="admin")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_low_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "gs.db"
    instance = App.build(load_settings({}, data_dir=tmp_path, database_url=f"sqlite:///{path}"))
    instance.upgrade()
    with instance.transaction() as s:
        s.execute(insert(Person).values(ref="p"))
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    instance.close()
    assert modes and set(modes.values()) == {0o600}, modes  # gs.db, -wal and -shm


def test_finding_3_the_right_header_with_nothing_behind_it_is_refused(
    any_db: App, tmp_path: Path
) -> None:
    build_movement(any_db)
    bad = tmp_path / "header-only.backup"
    bad.write_bytes((b"SQLite format 3\x00" if any_db.is_sqlite else b"PGDMP") + b"\x01" * 600)
    before = dump(any_db.engine)
    with pytest.raises(InputFileError, match=r"header-only\.backup"):
        do_restore(any_db, bad, actor="admin")
    any_db.engine.dispose()
    assert dump(any_db.engine) == before
    assert leftover_scratch(any_db) == []
