"""Database engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web app read while an import writes; foreign keys are off
    # by default in SQLite and must be enabled on every connection. FULL syncs
    # the WAL at every commit, so what was acknowledged (a vote, a log, a
    # story) survives a power cut too, not only a crash of the app (NORMAL
    # leaves the last commits to the operating system); group commit keeps
    # that to one sync per batch of votes (groundswell.web.votes).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    # Deleted rows are overwritten with zeros, not left in free space where a copy
    # of the file would still hold an erased person's text
    # (https://sqlite.org/pragma.html#pragma_secure_delete).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; for a SQLite file, create its folder and turn on WAL."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if in_memory:
            # One shared connection, so every session sees the same in-memory database.
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if not in_memory:
            event.listen(engine, "connect", _sqlite_wal)
            if not database.startswith("file:"):  # a URI names its own file and mode
                path = Path(database).expanduser()
                event.listen(engine, "do_connect", lambda *_: _create_private(path))
        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600) just before SQLite opens it
    (at the first connection, so a command that only checks creates no file).

    SQLite gives the -wal and -shm files the mode of the database file, so
    they are private too. An existing file keeps the mode its owner chose.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session
