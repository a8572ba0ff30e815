"""Shared fixtures: an App on SQLite and on PostgreSQL, and the shared data folder.

PostgreSQL tests use the server named by ``PG_TEST_URL`` (``.ci/run`` starts
one and sets it). Without it they skip, except under CI, where a missing
server is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from groundswell.app import App
from groundswell.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def postgres_url() -> str | None:
    url = os.environ.get("PG_TEST_URL")
    if not url and os.environ.get("CI"):
        pytest.fail("PG_TEST_URL is not set under CI: .ci/run must start PostgreSQL")
    return url


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema: an empty database for one test."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


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
