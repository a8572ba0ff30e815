"""Fixtures for the backup tests: an App on each database, the CLI helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1] / "privacy"
sys.path[:0] = [str(HERE), str(HERE.parent / "cli")]  # privacydb, datacli

from privacydb import build  # noqa: E402

from groundswell.app import App  # noqa: E402


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    instance = build(request.param, tmp_path, "backup")
    yield instance
    instance.close()
