"""Fixtures for measures tests: people in a database, and the CLI run in-process."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from groundswell.actions.imports import do_import_people
from groundswell.app import App
from groundswell.cli.main import main


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
