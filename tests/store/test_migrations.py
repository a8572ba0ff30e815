"""Migrations are checked code: they build the models' schema exactly, both ways, on both DBs."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from groundswell.app import App
from groundswell.store import migrate
from groundswell.store.models import Base


def test_upgrade_from_empty_matches_the_models(db_app: App) -> None:
    assert migrate.current_revision(db_app.engine) == migrate.head_revision(db_app.engine)
    assert migrate.differences(db_app.engine) == []
    migrate.check(db_app.engine)
    tables = set(inspect(db_app.engine).get_table_names())
    assert tables == {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}


def test_one_head_and_every_revision_can_go_down() -> None:
    engine = App.memory().engine
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    assert len(script.get_heads()) == 1, "merge migration heads before release"
    for revision in script.walk_revisions():
        assert revision.module.downgrade.__code__.co_code, revision.revision


def test_downgrade_to_base_leaves_no_tables(db_app: App) -> None:
    migrate.downgrade(db_app.engine, "base")
    assert migrate.current_revision(db_app.engine) is None
    assert set(inspect(db_app.engine).get_table_names()) <= {"alembic_version"}
    if not db_app.is_sqlite:
        with db_app.engine.connect() as conn:
            leftovers = conn.execute(
                text(
                    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND relkind IN ('S', 'r', 'v')"
                    " AND relname <> 'alembic_version'"
                )
            ).all()
            types = conn.execute(
                text(
                    "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            ).all()
        assert leftovers == [] and types == []
    # ... and the way back up is as good as the first time.
    migrate.upgrade(db_app.engine)
    migrate.check(db_app.engine)


def test_upgrade_is_idempotent(db_app: App) -> None:
    with db_app.transaction() as session:
        session.execute(text("INSERT INTO audit_events (at, actor, action, detail) "
                             "VALUES ('2024-01-01 00:00:00', 'me', 'test', '{}')"))  # fmt: skip
    db_app.upgrade()
    db_app.upgrade()
    migrate.check(db_app.engine)
    with db_app.reading() as session:
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1
        versions = session.execute(text("SELECT version_num FROM alembic_version")).all()
    assert [v for (v,) in versions] == [migrate.head_revision(db_app.engine)]


def test_urls_with_percent_signs_reach_alembic_intact(tmp_path) -> None:
    # URL-encoded passwords and connection options are common on PostgreSQL.
    url = "postgresql+psycopg://gs:p%40ss@db.example:5432/gs?options=-csearch_path%3Dmine"
    engine = create_engine(url)
    assert migrate.alembic_config(engine).get_main_option("sqlalchemy.url") == url
    sqlite = create_engine(f"sqlite:///{tmp_path / '100%.db'}")
    migrate.upgrade(sqlite)
    migrate.check(sqlite)
    sqlite.dispose()
