"""Opening the database for a command, after one check that it is there and current."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from groundswell.errors import DatabaseError

if TYPE_CHECKING:
    from groundswell.app import App


def build_app() -> App:
    # Imported on use: the database stack is not needed for --help or pure commands.
    from groundswell.app import App

    return App.build()


def where(instance: App) -> str:
    """The database as a user finds it: a SQLite file's full path, else its URL."""
    if instance.is_sqlite and instance.engine.url.database:
        return str(Path(instance.engine.url.database).resolve())
    return instance.database_url


def require_ready(instance: App) -> None:
    """Raise ``DatabaseError`` unless the database exists and is at this version's schema."""
    from groundswell.store import migrate

    # Checked first so a missing database is one clear line, not an SQL error, and a
    # missing SQLite file is not created as a side effect.
    database = instance.engine.url.database
    if instance.is_sqlite and database and database != ":memory:" and not Path(database).exists():
        raise DatabaseError(f"there is no database at {where(instance)}; run 'groundswell init'")
    current, head = (
        migrate.current_revision(instance.engine),
        migrate.head_revision(instance.engine),
    )
    if current is None:
        raise DatabaseError(
            f"the database at {where(instance)} is not set up; run 'groundswell init'"
        )
    if current != head:
        raise DatabaseError(
            f"the database is at revision {current}, this version needs {head}; "
            "run 'groundswell db upgrade'"
        )


@contextmanager
def opened_app(*, must_exist: bool = True) -> Iterator[App]:
    """Build the App from the environment and close it afterwards."""
    instance = build_app()
    try:
        if must_exist:
            require_ready(instance)
        yield instance
    finally:
        instance.close()
