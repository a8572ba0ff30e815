"""Back up and restore the whole database.

SQLite uses the online backup API (``sqlite3.Connection.backup``): the copy
is a consistent snapshot even while the web app or an import is writing, and
a restore copies the snapshot page by page into the live file, so open WAL
readers see either the old or the new database, never a mix. PostgreSQL uses
``pg_dump -Fc`` and ``pg_restore --clean --if-exists --single-transaction``
(a failed restore leaves the database as it was). Each backup and restore is
recorded in the audit trail: a backup holds everyone's personal data, so backup
files are written readable by their owner only (0600).

A restore never touches the live database with a file it has not checked: the
backup is first copied into a scratch database (a temporary SQLite file, or a
temporary PostgreSQL database on the same server), which must be at a
migration revision this version knows; it is upgraded to the newest and its
tables compared with the models. Only then is the live database replaced, from
the checked scratch copy. People the erasure ledger (``groundswell.privacy.ledger``)
says were erased after the backup was made are erased again in the scratch
copy when asked (``replay_erasures``); otherwise the restore is refused, so an
old backup never silently brings anyone back.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.erasure import checkpoint_wal, erase_in
from groundswell.errors import Conflict, DatabaseError, InputFileError, InvalidInput
from groundswell.privacy.ledger import ErasureLedger
from groundswell.store import migrate
from groundswell.store.db import make_engine, make_sessionmaker, transaction
from groundswell.store.models import Person

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
    erasures_replayed: int = 0

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
        record_access(session, actor, "database.backup", detail={"file": str(target)})
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        # Private before a byte is written; SQLite and pg_dump keep the mode.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        if app.engine.dialect.name == "sqlite":
            _sqlite_backup(app.engine, partial)
        else:
            _run([_binary("pg_dump"), "-Fc", "--no-owner", "-f", str(partial)], app.engine.url)
        os.replace(partial, target)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target} ({exc.strerror}); choose another file") from None
    finally:
        partial.unlink(missing_ok=True)
    return _summary(app, target, started)


def do_restore(
    app: BackupTarget,
    source: Path,
    *,
    actor: str,
    ledger: ErasureLedger | None = None,
    replay_erasures: bool = False,
    secret: bytes | None = None,
) -> BackupSummary:
    """Replace the database's contents with the backup in ``source``, once it is checked.

    ``ledger``: people erased since; the restore is refused if the backup holds
    any of them, unless ``replay_erasures``, which erases them again (audited)
    before the live database is replaced. ``secret`` finds their signed-in votes.
    """
    started = time.perf_counter()
    sqlite = app.engine.dialect.name == "sqlite"
    _check_file(source, SQLITE_MAGIC if sqlite else PG_MAGIC, sqlite)
    with _scratch_copy(app.engine, source) as scratch:
        revision = _verify(scratch, source)
        replayed = _replay_erasures(scratch, source, ledger, replay_erasures, actor, secret)
        if sqlite:
            _sqlite_replace(app.engine, scratch)
        else:
            _pg_replace(app.engine, scratch)
    _dispose(app.engine)  # pooled connections may hold the old schema's caches
    with app.transaction() as session:
        detail = {"file": str(source), "revision": revision, "erasures_replayed": len(replayed)}
        record_access(session, actor, "database.restore", detail=detail)
    summary = _summary(app, source, started)
    summary.erasures_replayed = len(replayed)
    return summary


class _Scratch:
    """The scratch database as the ``Database`` the erasure action writes through."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.sessions = engine, make_sessionmaker(engine)

    def transaction(self) -> Any:
        return transaction(self.sessions)

    def reading(self) -> Any:
        return self.sessions()


@contextmanager
def _scratch_copy(live: Engine, source: Path) -> Iterator[Engine]:
    """An engine on a temporary database holding the backup; removed afterwards."""
    if live.dialect.name == "sqlite":
        database = live.url.database or ""
        folder = Path(database).parent if database not in ("", ":memory:") else None
        # Beside the live file (same disk, same owner); mkdtemp makes it 0700.
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=folder) as tmp:
            path = Path(tmp) / "scratch.db"
            _sqlite_load(source, path)
            engine = make_engine(f"sqlite:///{path}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    name = f"{(live.url.database or 'groundswell')[:40]}_restore_{secrets.token_hex(4)}"
    admin = live.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot create a scratch database to check the backup in ({_first_line(exc)}); "
            f"grant the user CREATEDB (ALTER ROLE {live.url.username} CREATEDB)"
        ) from None
    url = live.url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        _run(
            [_binary("pg_restore"), "--no-owner", "--single-transaction", str(source)], url,
            problem=lambda line: InputFileError(str(source), f"not a usable backup ({line})"),
        )  # fmt: skip
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _verify(scratch: Engine, source: Path) -> str:
    """The backup's revision, once the scratch copy is upgraded and matches the models."""
    fix = "restore a file that 'groundswell backup' wrote"
    try:
        revision = migrate.current_revision(scratch)
    except SQLAlchemyError as exc:
        raise InputFileError(str(source), f"cannot read it ({_first_line(exc)})", fix=fix) from None
    if revision is None:
        raise InputFileError(
            str(source), "it is not a Groundswell backup (no schema revision in it)", fix=fix
        )
    if not migrate.is_known(scratch, revision):
        raise InputFileError(
            str(source),
            f"it is at schema revision '{revision}', which this version of Groundswell does "
            "not know (a newer version wrote it, or another program)",
            fix="restore it with the version that wrote it, or upgrade Groundswell",
        )
    try:
        migrate.upgrade(scratch)
        migrate.check(scratch)
    except (DatabaseError, SQLAlchemyError) as exc:
        raise InputFileError(
            str(source),
            f"its tables are not those of Groundswell revision {revision} ({_first_line(exc)})",
            fix=fix,
        ) from None
    return revision


def _replay_erasures(
    scratch: Engine,
    source: Path,
    ledger: ErasureLedger | None,
    replay: bool,
    actor: str,
    secret: bytes | None,
) -> list[str]:
    """Erase again, in the scratch copy, the people erased since the backup was made."""
    if ledger is None:
        return []
    with scratch.connect() as conn:
        rows = conn.execute(select(Person.ref, Person.created_at).order_by(Person.id)).all()
    # A ref counts only for a person who existed when it was erased: one made
    # afterwards (an import re-using the ref) is someone else, not to be erased.
    erased = ledger.erased([ref for ref, _ in rows], {ref: made for ref, made in rows})
    if not erased:
        return []
    if not replay:
        raise Conflict(
            f"{source} holds {_people(len(erased))} erased since it was made (erasure "
            f"ledger {ledger.path}); add --replay-erasures to restore it and erase them again"
        )
    database = _Scratch(scratch)
    with database.transaction() as session:
        for ref in erased:
            detail = {"replayed_by_restore": str(source)}
            erase_in(session, ref, actor=actor, key=ledger.key, secret=secret, detail=detail)
    checkpoint_wal(database)
    return erased


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


def _sqlite_load(source: Path, scratch: Path) -> None:
    """Copy the backup into the scratch file, once SQLite finds it undamaged."""
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        ok = backup.execute("PRAGMA quick_check").fetchone()
        if not ok or ok[0] != "ok":
            raise InputFileError(str(source), f"the backup is damaged ({ok[0] if ok else '?'})")
        copy = sqlite3.connect(scratch)
        try:
            backup.backup(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise InputFileError(str(source), f"not a usable SQLite backup ({exc})") from None
    finally:
        backup.close()


def _sqlite_replace(live: Engine, scratch: Engine) -> None:
    """Copy the checked scratch database over the live one, page by page."""
    _dispose(live)
    with scratch.connect() as src, live.connect() as dst:
        checked = src.connection.driver_connection
        target = dst.connection.driver_connection
        assert isinstance(checked, sqlite3.Connection) and isinstance(target, sqlite3.Connection)
        checked.backup(target)


def _pg_replace(live: Engine, scratch: Engine) -> None:
    """Dump the checked scratch database and restore it over the live one in one transaction."""
    with tempfile.TemporaryDirectory(prefix="groundswell-restore-") as tmp:
        dump = Path(tmp) / "checked.backup"
        _run([_binary("pg_dump"), "-Fc", "--no-owner", "-f", str(dump)], scratch.url)
        _run(
            [
                _binary("pg_restore"), "--clean", "--if-exists", "--no-owner",
                "--single-transaction", str(dump),
            ],
            live.url,
        )  # fmt: skip


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


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


def _run(argv: list[str], url: URL, problem: Any = None) -> None:
    """Run a PostgreSQL client tool against the database at ``url``; password by environment.

    ``problem(line)`` makes the error for a failure (default: ``DatabaseError``).
    """
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
        if problem is not None:
            raise problem(lines[0])
        raise DatabaseError(f"{Path(argv[0]).name} failed: {lines[0]}")
