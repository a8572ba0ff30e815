"""`groundswell serve` checks the database, prints the address and runs uvicorn."""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from groundswell.app import App
from groundswell.cli.main import main
from groundswell.errors import ExitStatus
from groundswell.settings import load_settings
from groundswell.web import factory


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", url)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))
    return url


def test_refuses_a_database_that_is_not_initialised(
    environment: str, capsys: pytest.CaptureFixture[str]
):
    assert main(["serve"]) == ExitStatus.DATABASE
    err = capsys.readouterr().err
    assert "there is no database" in err and "run 'groundswell init'" in err
    assert err.count("\n") == 1  # one line, no traceback
    assert not Path(environment.removeprefix("sqlite:///")).exists()  # not created by serve

    empty = App.build(load_settings())
    with empty.engine.connect():
        pass  # an empty SQLite file, without Groundswell's tables
    empty.close()
    assert main(["serve"]) == ExitStatus.DATABASE
    assert "is not set up; run 'groundswell init'" in capsys.readouterr().err


def test_prints_the_address_and_runs_uvicorn(
    environment: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    gs = App.build(load_settings())
    gs.upgrade()
    gs.close()
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append({"target": target, **kw}))

    assert main(["serve", "--port", "8123"]) == 0
    assert "Groundswell is running at http://127.0.0.1:8123" in capsys.readouterr().out
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert calls[0]["factory"] is True
    # The factory uvicorn will call builds the app over the same database, then
    # freezes the startup heap (only recorded here: freezing the test process
    # would keep what is alive now out of reach of the collector for good).
    frozen: list[bool] = []
    warmed: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(factory, "warm", lambda: warmed.append(not frozen))
    module, name = calls[0]["target"].split(":")
    web = getattr(importlib.import_module(module), name)()
    assert web.state.gs.database_url == environment
    assert frozen == [True]
    assert warmed == [True]  # the kernels are loaded before the heap is frozen
    web.state.gs.close()


def test_rejects_a_bad_port(environment: str, capsys: pytest.CaptureFixture[str]):
    assert main(["serve", "--port", "0"]) == ExitStatus.USAGE
    assert "port" in capsys.readouterr().err.lower()


def test_several_workers_need_postgresql(environment: str, capsys: pytest.CaptureFixture[str]):
    gs = App.build(load_settings())
    gs.upgrade()
    gs.close()
    assert main(["serve", "--workers", "2"]) == ExitStatus.CONFIG
    assert "--workers 1" in capsys.readouterr().err
