"""Reading several queries as one snapshot of the database.

A use case that reads the graph, then the people, then their activity must
see one state of the data, or rows read later may not match rows read first.
PostgreSQL's default (read committed) gives each statement its own snapshot,
so the session asks for repeatable read; SQLite's driver starts no
transaction for a SELECT, so the session begins one explicitly (in WAL mode a
read transaction sees the database as of its first read).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from groundswell.actions import Database, data_version


@contextmanager
def reading_snapshot(db: Database) -> Iterator[Session]:
    """A read-only session whose queries all see the same state of the database."""
    with db.reading() as session:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        data_version.watch(engine)
        if engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        elif engine.dialect.name == "sqlite":
            session.execute(text("BEGIN"))
        yield session
