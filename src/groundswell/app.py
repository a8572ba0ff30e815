"""Composition root: settings, database and compute built once, used by web, CLI and tests.

``App.build()`` reads the environment; ``App.memory()`` is a migrated
in-memory SQLite instance for tests and notebooks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from groundswell.settings import Settings, load_settings
from groundswell.store import migrate
from groundswell.store.db import make_engine, make_sessionmaker, transaction


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @classmethod
    def build(cls, settings: Settings | None = None) -> App:
        settings = settings or load_settings()
        engine = make_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine))

    @classmethod
    def memory(cls, **overrides: object) -> App:
        """A fresh, migrated in-memory database (one line for tests)."""
        app = cls.build(load_settings({}, database_url="sqlite://", **overrides))
        app.upgrade()
        return app

    @property
    def database_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def upgrade(self) -> None:
        """Create or upgrade the database to the newest schema."""
        migrate.upgrade(self.engine)

    def check(self) -> None:
        migrate.check(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work for an action: all of it is written, or none of it."""
        with transaction(self.sessions) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
