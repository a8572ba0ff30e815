"""``groundswell demo``: builds into a fresh database, summarises, refuses other people's data."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from datacli import point_cli_at, run_cli
from sqlalchemy import func, select

from groundswell.app import App
from groundswell.errors import ExitStatus
from groundswell.settings import load_settings
from groundswell.store.models import Campaign, Person


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a database file that does not exist yet."""
    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))
    return tmp_path / "groundswell.db"


def _people(path: Path) -> int:
    app = App.build(load_settings({}, database_url=f"sqlite:///{path}"))
    try:
        with app.reading() as session:
            return session.scalar(select(func.count()).select_from(Person))
    finally:
        app.close()


def test_json_build_on_a_fresh_database(fresh, capsys):
    result = run_cli(capsys, "demo", "--seed", "3", "--people", "400", "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["seed"] == 3 and payload["people"] == 400
    assert sum(payload["towns"].values()) == 400
    assert payload["counts"]["people"] == 400 and payload["counts"]["votes"] > 0
    assert payload["seconds"] > 0 and "groundswell.db" in payload["database"]
    assert _people(fresh) == 400


def test_table_summary_and_rebuild(fresh, capsys):
    first = run_cli(capsys, "demo", "--people", "300")
    assert first.code == 0, first.err
    assert "Morecambe" in first.out and "Barrow-in-Furness" in first.out
    assert "activity logs" in first.out and "Built the demo movement (seed 7" in first.out
    again = run_cli(capsys, "demo", "--people", "300", "--seed", "8")
    assert again.code == 0, again.err
    assert "replacing 300 people" in again.out
    assert _people(fresh) == 300


def test_refuses_other_people_then_replaces(app, tmp_path, monkeypatch, capsys):
    point_cli_at(monkeypatch, app, tmp_path)
    with app.transaction() as session:
        session.add(Person(ref="someone"))
    refused = run_cli(capsys, "demo", "--people", "200")
    assert refused.code == ExitStatus.CONFLICT
    assert refused.err.count("\n") == 1 and "--replace" in refused.err
    assert "Traceback" not in refused.err
    replaced = run_cli(capsys, "demo", "--people", "200", "--replace", "--json")
    assert replaced.code == 0, replaced.err
    assert json.loads(replaced.out)["replaced"] == 1


@pytest.mark.parametrize(
    "args",
    [["--people", "50"], ["--seed", "-1"], ["--people", "many"], ["--today", "30/06/2025"]],
)
def test_bad_options_are_usage_errors(fresh, capsys, args):
    result = run_cli(capsys, "demo", *args)
    assert result.code == ExitStatus.USAGE
    assert not fresh.exists() or _people(fresh) == 0


def _campaign_days(path: Path) -> tuple[date, date]:
    app = App.build(load_settings({}, database_url=f"sqlite:///{path}"))
    try:
        with app.reading() as session:
            campaign = session.scalars(select(Campaign)).one()
            return campaign.starts_on, campaign.ends_on
    finally:
        app.close()


def test_today_ends_the_period_and_is_reproducible(fresh, capsys):
    args = ("demo", "--people", "300", "--today", "2025-06-30", "--json")
    first = run_cli(capsys, *args)
    assert first.code == 0, first.err
    payload = json.loads(first.out)
    assert payload["today"] == "2025-06-30"
    starts, ends = _campaign_days(fresh)
    assert starts < date(2025, 6, 30) < ends  # the campaign is running on that day
    again = json.loads(run_cli(capsys, *args).out)
    assert again["counts"] == payload["counts"] and again["towns"] == payload["towns"]
    table = run_cli(capsys, "demo", "--people", "300", "--today", "2025-06-30")
    assert "Its two years end on 2025-06-30" in table.out


def test_today_defaults_to_the_date_in_utc(fresh, capsys):
    result = run_cli(capsys, "demo", "--people", "300", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["today"] == datetime.now(UTC).date().isoformat()
    starts, ends = _campaign_days(fresh)
    assert starts < datetime.now(UTC).date() < ends
