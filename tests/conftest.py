"""Shared fixtures: an App on SQLite and on PostgreSQL, and the data folder.

PostgreSQL tests use the server named by ``PG_TEST_URL`` (``.ci/run`` starts
one and sets it). Without it they skip, except under CI, where a missing
server is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from groundswell.actions.imports import do_import_people
from groundswell.app import App
from groundswell.cli.main import main
from groundswell.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"  # the real data sets the tests read, carried in the repository


def postgres_url() -> str | None:
    """The PostgreSQL test database, one per pytest-xdist worker."""
    url = os.environ.get("PG_TEST_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("PG_TEST_URL is not set under CI: .ci/run must start PostgreSQL")
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema: an empty database for one test."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def real_data() -> Path:
    # A missing data set is a broken checkout, never a reason to skip.
    assert DATA.is_dir(), f"the data folder {DATA} is missing: check out the whole repository"
    return DATA


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """A migrated SQLite database in a temporary file (visible to subprocesses)."""
    instance = App.build(
        load_settings({}, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'gs.db'}")
    )
    instance.upgrade()
    yield instance
    instance.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """A migrated, empty App on each database the suite covers."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gs.db'}"
    else:
        pg = postgres_url()
        if not pg:
            pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this run")
        reset_postgres(pg)
        url = pg
    instance = App.build(load_settings({}, data_dir=tmp_path, database_url=url))
    instance.upgrade()
    yield instance
    instance.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Playwright's sync API keeps an event loop running in the main thread while
    its session-scoped browser is open; in-process ASGI clients that run after
    it would find that loop and fail. Moving browser tests to the end keeps
    the rest of the suite independent of it.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Shared by the measures and campaigns tests: people in a database, the CLI in-process.
@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def add_people(tmp_path: Path) -> Callable[[App, list[tuple[str, str]]], None]:
    """``add_people(app, [(ref, town), ...])`` imports those people."""

    def add(app: App, refs_towns: list[tuple[str, str]]) -> None:
        path = tmp_path / "people.csv"
        rows = "".join(f"{r},{t}\n" for r, t in refs_towns)
        path.write_text("id,town\n" + rows, encoding="utf-8")
        do_import_people(app, path)

    return add


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[..., Callable[..., Result]]:
    """``cli(app)`` returns a runner of ``groundswell ...`` against that app's database."""

    def bind(app: App) -> Callable[..., Result]:
        for name in list(os.environ):
            if name.upper().startswith("GROUNDSWELL_"):
                monkeypatch.delenv(name)
        url = app.engine.url.render_as_string(hide_password=False)
        monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", url)
        monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))

        def run(*argv: str) -> Result:
            capsys.readouterr()
            code = main(list(argv))
            captured = capsys.readouterr()
            return Result(code, captured.out, captured.err)

        return run

    return bind
