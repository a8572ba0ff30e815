"""``groundswell roles``: JSON contract, table, activity CSV errors, and ``db`` from the store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from groundswell.actions.demo import do_build_demo
from groundswell.cli.main import main
from groundswell.roles import KINDS, planted_movement


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path, dict]:
    """A planted movement of 1,000 written as a ties CSV and an activity CSV."""
    mv = planted_movement(1000, seed=2)
    folder = tmp_path_factory.mktemp("planted")
    g = mv.graph
    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    keep = src < g.indices
    ties = folder / "ties.csv"
    ties.write_text(
        "source,target\n"
        + "".join(f"p{a},p{b}\n" for a, b in zip(src[keep], g.indices[keep], strict=True))
    )
    a = mv.activity
    lines = ["person,kind,other,at"]
    for p, k, o, d in zip(a.person, a.kind, a.other, a.day, strict=True):
        kind = KINDS[k]
        other = f"p{o}" if kind == "recruited" else (f"a{o}" if o >= 0 else "")
        lines.append(f"p{p},{kind},{other},{np.datetime64(int(d), 'D')}")
    for p in np.flatnonzero(~np.isnan(a.joined_day)):
        lines.append(f"p{p},joined,,{np.datetime64(int(a.joined_day[p]), 'D')}")
    activity = folder / "activity.csv"
    activity.write_text("\n".join(lines) + "\n")
    planted = {r: {f"p{i}" for i in ids.tolist()} for r, ids in mv.planted.items()}
    return ties, activity, planted


def test_json_contract_finds_the_planted_roles(capsys, files):
    ties, activity, planted = files
    code, out, err = run(capsys, "roles", str(ties), "--activity", str(activity), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= {"people", "indicators"}
    for person in doc["people"]:
        assert set(person) >= {"label", "roles", "reasons"}
        assert len(person["roles"]) == len(person["reasons"]) >= 1
    for role, labels in planted.items():
        found = {p["label"] for p in doc["people"] if role in p["roles"]}
        assert found == labels, role
    assert doc["indicators"]["leaders_per_100"]["over_time"][0]["period"] == "2024-Q1"


def test_percentile_option_and_table(capsys, files):
    ties, activity, _ = files
    code, out, _ = run(capsys, "roles", str(ties), "--activity", str(activity), "--top", "3")
    assert code == 0
    assert "People with a role" in out and "Movement indicators" in out
    code, _, err = run(capsys, "roles", str(ties), "--percentile", "mobiliser=2")
    assert code == 3 and "percentile for mobiliser must be in [0, 1]" in err
    code, _, err = run(capsys, "roles", str(ties), "--percentile", "hero=0.5")
    assert code == 3 and "unknown role 'hero'" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person,other\np0,p1\n", "activity.csv, line 1, field 'kind': this column is missing"),
        ("person,kind\np0,shouted\n", "line 2, field 'kind': 'shouted' is not one of"),
        ("person,kind,other\np0,recruited,\n", "line 2, field 'other': a 'recruited' row"),
        ("person,kind,at\np0,led,yesterday\n", "line 2, field 'at': 'yesterday' is not a date"),
        ("person,kind\n,led\n", "line 2, field 'person': this value is empty"),
    ],
)
def test_activity_csv_errors_name_file_line_and_field(capsys, files, tmp_path, text, message):
    ties, _, _ = files
    bad = tmp_path / "activity.csv"
    bad.write_text(text)
    code, out, err = run(capsys, "roles", str(ties), "--activity", str(bad), "--json")
    assert code == 3
    assert message in err
    assert "Traceback" not in err and out == ""


def test_db_reads_people_ties_and_activity_from_the_store(capsys, app, tmp_path, monkeypatch):
    do_build_demo(app, seed=3, people=1500)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", str(app.engine.url))
    code, out, err = run(capsys, "roles", "db", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["n"] == 1500
    counts = doc["counts"]
    assert counts["mobiliser"] >= 1 and counts["lone_wolf"] >= 1
    assert doc["indicators"]["recruitment_depth"]["value"] >= 2
    assert 0 < doc["indicators"]["commitments_kept"]["value"] < 1


def test_network_only_finds_connectors_and_people_without_ties_join(capsys, files, tmp_path):
    ties, _, planted = files
    code, out, err = run(capsys, "roles", str(ties), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {p["label"] for p in doc["people"]} == planted["connector"]
    assert doc["indicators"]["leaders_per_100"] == {"value": None, "over_time": []}
    extra = tmp_path / "activity.csv"
    extra.write_text("person,kind,other,at,mood\nnewcomer,attended,walk,2024-05-01,happy\n")
    code, out, err = run(capsys, "roles", str(ties), "--activity", str(extra), "--json")
    assert code == 0, err
    assert json.loads(out)["n"] == 1001
    assert "1 person with no ties in GRAPH added" in err
    assert "columns not read: mood" in err
