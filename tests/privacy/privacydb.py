"""Databases for the privacy, backup and fuzz tests: SQLite files and a scratch PostgreSQL.

PostgreSQL tests use their own database (``<PG_TEST_URL database>_<suffix>``) so
other suites resetting the shared one cannot change it mid-test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from groundswell.app import App
from groundswell.settings import load_settings


def scratch_postgres(suffix: str) -> str | None:
    """An empty scratch database on the PG_TEST_URL server, or None without a server."""
    base = os.environ.get("PG_TEST_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("PG_TEST_URL is not set under CI: .ci/run must start PostgreSQL")
        return None
    parsed = make_url(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{parsed.database}_{suffix}{'_' + worker if worker else ''}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = parsed.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(kind: str, folder: Path, suffix: str) -> App:
    """A migrated, empty App on ``kind`` ("sqlite" file or "postgresql" scratch)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'gs.db'}"
    else:
        found = scratch_postgres(suffix)
        if not found:
            pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this run")
        url = found
    instance = App.build(load_settings({}, data_dir=folder, database_url=url))
    instance.upgrade()
    return instance
