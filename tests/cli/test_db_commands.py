"""``groundswell init`` and ``groundswell db upgrade|check``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from datacli import point_cli_at, run_cli
from sqlalchemy import text

from groundswell.app import App
from groundswell.errors import ExitStatus
from groundswell.settings import load_settings
from groundswell.store import migrate


@pytest.fixture
def fresh_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No database URL: the default SQLite file in GROUNDSWELL_DATA_DIR."""
    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(data_dir))
    return data_dir


def test_init_creates_the_default_sqlite_database_then_is_idempotent(fresh_env, capsys):
    result = run_cli(capsys, "init")
    database = fresh_env / "groundswell.db"
    assert result.code == 0, result.err
    assert database.exists()
    head = migrate.head_revision(App.memory().engine)
    assert str(database) in result.out and f"revision {head}" in result.out

    again = run_cli(capsys, "init", "--json")
    assert again.code == 0
    assert json.loads(again.out) == {
        "database": str(database),
        "revision": head,
        "previous": head,
    }
    assert run_cli(capsys, "db", "check").code == 0
    assert run_cli(capsys, "db", "upgrade").code == 0


def test_low_init_warns_when_an_older_database_file_is_readable_by_others(fresh_env, capsys):
    assert run_cli(capsys, "init").code == 0
    database = fresh_env / "groundswell.db"
    assert (database.stat().st_mode & 0o777) == 0o600
    assert "other users may read it" not in run_cli(capsys, "init").err
    database.chmod(0o644)  # as files were made before they were created private
    again = run_cli(capsys, "init")
    assert again.code == 0 and f"(mode 644); run: chmod 600 {database}" in again.err
    assert (database.stat().st_mode & 0o777) == 0o644  # said, not changed unasked


def test_commands_before_init_say_run_init_and_create_nothing(fresh_env, capsys, tmp_path):
    for argv in (("db", "check"), ("export",), ("import", "people", str(tmp_path / "p.csv"))):
        result = run_cli(capsys, *argv)
        assert result.code == ExitStatus.DATABASE
        assert result.err.count("\n") == 1 and "run 'groundswell init'" in result.err
    assert not (fresh_env / "groundswell.db").exists()


def test_db_check_on_both_databases(db_app, tmp_path, monkeypatch, capsys):
    point_cli_at(monkeypatch, db_app, tmp_path)
    result = run_cli(capsys, "db", "check", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["ok"] is True

    with db_app.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_people_town"))
    drift = run_cli(capsys, "db", "check")
    assert drift.code == ExitStatus.DATABASE
    assert drift.err.count("\n") == 1
    assert "models and migrations disagree" in drift.err and "ix_people_town" in drift.err


def test_db_check_fails_when_the_database_is_behind(app, tmp_path, monkeypatch, capsys):
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    point_cli_at(monkeypatch, app, tmp_path)
    result = run_cli(capsys, "db", "check")
    assert result.code == ExitStatus.DATABASE
    assert "revision 0000" in result.err and "groundswell db upgrade" in result.err


def test_unreachable_postgres_is_one_line(fresh_env, monkeypatch, capsys):
    # Port 9 (discard) on localhost: nothing listens, so the connection is refused at once.
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:9/none"
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", url)
    result = run_cli(capsys, "init")
    assert result.code == ExitStatus.DATABASE
    assert result.err.startswith("groundswell: error: database unavailable")
    assert result.err.count("\n") == 1 and "secret" not in result.err


def test_upgrade_reports_the_previous_revision(tmp_path, monkeypatch, capsys):
    app = App.build(load_settings({}, database_url=f"sqlite:///{tmp_path / 'old.db'}"))
    point_cli_at(monkeypatch, app, tmp_path)
    result = run_cli(capsys, "db", "upgrade", "--json")
    app.close()
    assert result.code == 0
    assert json.loads(result.out)["previous"] is None
