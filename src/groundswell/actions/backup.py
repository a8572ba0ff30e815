"""Back up and restore the whole database.

SQLite uses the online backup API (``sqlite3.Connection.backup``): the copy
is a consistent snapshot even while the web app or an import is writing, and
a restore copies the snapshot page by page into the live file, so open WAL
readers see either the old or the new database, never a mix. PostgreSQL uses
``pg_dump -Fc`` and ``pg_restore --clean --if-exists --single-transaction``
(a failed restore leaves the database as it was). Each backup and restore is
recorded in the audit trail: a backup holds everyone's personal data.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from groundswell.actions import Database
from groundswell.actions.privacy import record_access
from groundswell.errors import Conflict, DatabaseError, InputFileError, InvalidInput
from groundswell.store import migrate

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"  # pg_dump custom-format header


class BackupTarget(Database, Protocol):
    """An ``App``-shaped database whose engine the backup reads and writes."""

    @property
    def engine(self) -> Engine: ...


@dataclass
class BackupSummary:
    file: str
    database: str
    bytes: int
    revision: str | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def do_backup(
    app: BackupTarget, target: Path, *, actor: str, overwrite: bool = False
) -> BackupSummary:
    """Write a consistent copy of the database to ``target`` (atomically: all or no file)."""
    started = time.perf_counter()
    if target.exists() and not overwrite:
        raise Conflict(f"{target} already exists; choose another file or add --force")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name such as groundswell.backup")
    with app.transaction() as session:
        record_access(session, actor, "database.backup", None, {"file": str(target)})
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        if app.engine.dialect.name == "sqlite":
            _sqlite_backup(app.engine, partial)
        else:
            _run([_binary("pg_dump"), "-Fc", "--no-owner", "-f", str(partial)], app.engine)
        os.replace(partial, target)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target} ({exc.strerror}); choose another file") from None
    finally:
        partial.unlink(missing_ok=True)
    return _summary(app, target, started)


def do_restore(app: BackupTarget, source: Path, *, actor: str) -> BackupSummary:
    """Replace the database's contents with the backup in ``source``."""
    started = time.perf_counter()
    sqlite = app.engine.dialect.name == "sqlite"
    _check_file(source, SQLITE_MAGIC if sqlite else PG_MAGIC, sqlite)
    if sqlite:
        _sqlite_restore(app.engine, source)
    else:
        _run(
            [
                _binary("pg_restore"), "--clean", "--if-exists", "--no-owner",
                "--single-transaction", str(source),
            ],
            app.engine,
        )  # fmt: skip
    _dispose(app.engine)  # pooled connections may hold the old schema's caches
    with app.transaction() as session:
        record_access(session, actor, "database.restore", None, {"file": str(source)})
    return _summary(app, source, started)


def _summary(app: BackupTarget, path: Path, started: float) -> BackupSummary:
    return BackupSummary(
        file=str(path),
        database=app.engine.url.render_as_string(hide_password=True),
        bytes=path.stat().st_size,
        revision=migrate.current_revision(app.engine),
        seconds=round(time.perf_counter() - started, 3),
    )


def _sqlite_backup(engine: Engine, target: Path) -> None:
    with engine.connect() as conn:
        live = conn.connection.driver_connection
        assert isinstance(live, sqlite3.Connection)
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)
            # A single file: no -wal beside the backup to lose when it is copied.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        ok = backup.execute("PRAGMA quick_check").fetchone()
        if not ok or ok[0] != "ok":
            raise InputFileError(str(source), f"the backup is damaged ({ok[0] if ok else '?'})")
        _dispose(engine)
        with engine.connect() as conn:
            live = conn.connection.driver_connection
            assert isinstance(live, sqlite3.Connection)
            backup.backup(live)
    except sqlite3.DatabaseError as exc:
        raise InputFileError(str(source), f"not a usable SQLite backup ({exc})") from None
    finally:
        backup.close()


def _dispose(engine: Engine) -> None:
    # An in-memory SQLite database lives in its one pooled connection: keep it.
    if engine.dialect.name == "sqlite" and (engine.url.database or ":memory:") == ":memory:":
        return
    engine.dispose()


def _check_file(path: Path, magic: bytes, sqlite: bool) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(magic))
    except FileNotFoundError:
        raise InputFileError(str(path), "there is no such file", fix="check the path") from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read it ({exc.strerror})") from None
    if head != magic:
        made = "a SQLite database" if sqlite else "PostgreSQL (pg_dump -Fc)"
        raise InputFileError(
            str(path),
            f"this is not a backup of {made}",
            fix="restore a file that 'groundswell backup' wrote for this kind of database",
        )


def _binary(name: str) -> str:
    """``pg_dump``/``pg_restore`` on PATH, else the newest in /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise DatabaseError(
        f"{name} is not installed; install the PostgreSQL client tools "
        "(e.g. 'apt install postgresql-client') or put them on PATH"
    )


def _run(argv: list[str], engine: Engine) -> None:
    """Run a PostgreSQL client tool against the engine's database; password by environment."""
    url: URL = engine.url
    env = dict(os.environ)
    pairs = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    env.update({k: v for k, v in pairs.items() if v})
    # The database goes by PGDATABASE; pg_restore needs it named to restore into it.
    if Path(argv[0]).name == "pg_restore":
        argv = [*argv[:-1], "--dbname", url.database or "", argv[-1]]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()] or ["no message"]
        raise DatabaseError(f"{Path(argv[0]).name} failed: {lines[0]}")
