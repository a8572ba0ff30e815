"""Alembic migrations, driven from code (no alembic.ini needed by users).

``upgrade`` brings a database to the newest schema; ``check`` compares the
models with the migrated schema and names every difference, so a model change
without a migration fails CI on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from groundswell.errors import DatabaseError
from groundswell.store.models import Base

SCRIPT_LOCATION = "groundswell.store:migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    # ConfigParser treats '%' as interpolation: escape it, or a URL-encoded password
    # or connection option ("p%40ss", "options=-csearch_path%3D...") breaks migrations.
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def is_known(engine: Engine, revision: str) -> bool:
    """Whether ``revision`` is one of this version's migrations (a backup's, say)."""
    try:
        found = ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision)
    except CommandError:  # unknown, or an ambiguous prefix of several
        return False
    return found is not None and found.revision == revision  # not a prefix of one


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def differences(engine: Engine) -> list[str]:
    """Differences between the models and the database schema, as readable lines."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, Base.metadata)
    return [_describe(d) for d in diff]


def _describe(item: object) -> str:
    if isinstance(item, list):  # column modifications come grouped
        return "; ".join(_describe(i) for i in item)
    if isinstance(item, tuple) and item:
        op, *rest = item
        names = [getattr(r, "name", None) or str(r) for r in rest[:3] if r is not None]
        return f"{op}: {', '.join(map(str, names))}"
    return str(item)


def check(engine: Engine) -> None:
    """Raise ``DatabaseError`` unless the database is at head and matches the models."""
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise DatabaseError(
            f"database is at revision {current or 'none'}, code expects {head}; "
            "run 'groundswell db upgrade'"
        )
    diffs = differences(engine)
    if diffs:
        raise DatabaseError("models and migrations disagree: " + " | ".join(diffs))
