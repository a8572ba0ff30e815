"""Helpers for the data-command tests: run the CLI in-process and dump a database."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from groundswell.app import App
from groundswell.cli.main import main


@dataclass
class Result:
    code: int
    out: str
    err: str


def point_cli_at(monkeypatch: pytest.MonkeyPatch, app: App, data_dir: os.PathLike[str]) -> None:
    """Make ``groundswell`` in this process use ``app``'s database and nothing else."""
    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(
        "GROUNDSWELL_DATABASE_URL", app.engine.url.render_as_string(hide_password=False)
    )
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(data_dir))


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: equal dumps, equal databases.

    Reflects the live schema so it works on SQLite and PostgreSQL alike and also
    sees tables the models do not know (such as ``alembic_version``).
    """
    meta = MetaData()
    meta.reflect(engine)
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            result[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return result
