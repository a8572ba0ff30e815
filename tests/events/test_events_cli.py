"""``groundswell events``: create, list, a sign-in sheet (and its refusals), ties."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from groundswell.app import App

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from datacli import dump

SHEET_HEADER = "id,display_name,email,phone,consent_contact,checked_in_at\n"


@pytest.fixture
def run(
    db_app: App,
    cli: Callable[[App], Callable[..., Any]],
    add_people: Callable[[App, list[tuple[str, str]]], None],
) -> Callable[..., Any]:
    add_people(db_app, [("h1", "Morecambe"), ("p1", "Morecambe"), ("p2", "Heysham")])
    return cli(db_app)


def test_create_list_and_import_a_sheet(run: Callable[..., Any], tmp_path: Path) -> None:
    made = run(
        "events",
        "create",
        "prom-walk",
        "--title",
        "Prom walk",
        "--starts",
        "2026-05-01T18:00",
        "--ends",
        "2026-05-01T20:00",
        "--town",
        "Morecambe",
        "--host",
        "h1",
        "--capacity",
        "30",
        "--json",
    )
    assert made.code == 0, made.err
    info = json.loads(made.out)
    assert info["starts_at"] == "2026-05-01T17:00:00+00:00"  # 18:00 BST
    assert info["hosts"] == ["h1"] and info["capacity"] == 30
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        SHEET_HEADER + "p1,,,,,\np2,,,,,2026-05-01T18:20:00+01:00\n"
        ",Sam Jones,sam@example.org,,yes,\n,Kit,,,no,\n",
        encoding="utf-8",
    )
    done = run("events", "attendance", "prom-walk", str(sheet), "--json")
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    assert (summary["matched"], summary["new"], summary["already"]) == (2, 2, 0)
    assert summary["ties"] == 6  # four people who came together
    again = run("events", "attendance", "prom-walk", str(sheet), "--json")
    second = json.loads(again.out)
    # Matched again by id and by email; Kit gave no email, so cannot be told from a new Kit.
    assert (second["already"], second["new"]) == (3, 1)
    listed = json.loads(run("events", "list", "--json").out)
    assert [e["slug"] for e in listed["past"]] == ["prom-walk"]
    assert listed["past"][0]["checked_in"] >= 4
    ties = run("events", "ties", "prom-walk", "--window-days", "30", "--json")
    assert ties.code == 0 and json.loads(ties.out)["window_days"] == 30


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ("nobody,,,,,\n", "line 2, field 'id': 'nobody' is not a person"),
        ("p1,,,,,yesterday\n", "line 2, field 'checked_in_at': 'yesterday' is not a date"),
        ("p1,,,,,\np2,,,,,\np1,,,,,\n", "line 4, field 'id': 'p1' appears twice, on lines 2 and 4"),
        (",Sam,,,,\n,sam,,,,\n", "line 3, field 'display_name': 'sam' appears twice"),
        (",,sam@example.org,,,\n", "line 2, field 'display_name': this row has neither"),
        (",Sam,not-an-email,,,\n", "line 2, field 'email'"),
        (",Sam,,,maybe,\n", "line 2, field 'consent_contact'"),
    ],
)
def test_a_refused_sheet_changes_nothing(
    run: Callable[..., Any], db_app: App, tmp_path: Path, rows: str, says: str
) -> None:
    assert (
        run(
            "events",
            "create",
            "walk",
            "--title",
            "Walk",
            "--starts",
            "2026-05-01T18:00",
            "--host",
            "h1",
        ).code
        == 0
    )
    before = dump(db_app.engine)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(SHEET_HEADER + rows, encoding="utf-8")
    refused = run("events", "attendance", "walk", str(sheet))
    assert refused.code == 3, refused.err
    assert says in refused.err
    assert dump(db_app.engine) == before


def test_unknown_event_and_bad_times(run: Callable[..., Any], tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(SHEET_HEADER + "p1,,,,,\n", encoding="utf-8")
    assert run("events", "attendance", "nope", str(sheet)).code == 4
    bad = run("events", "create", "x", "--title", "X", "--starts", "tomorrow")
    assert bad.code == 3 and "--starts" in bad.err
    assert (
        run(
            "events",
            "create",
            "x",
            "--title",
            "X",
            "--starts",
            "2026-05-01T18:00",
            "--host",
            "ghost",
        ).code
        == 4
    )
