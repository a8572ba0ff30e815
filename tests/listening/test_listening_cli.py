"""``groundswell listening``: create, tables, hosts, notes, review, imports and their refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.app import App


@pytest.fixture
def run(db_app: App, cli: Callable[[App], Callable[..., Any]]) -> Callable[..., Any]:
    do_create_user(db_app, email="host@example.org", display_name="Hana",
                   password="three random words", role="participant")  # fmt: skip
    return cli(db_app)


def test_an_event_from_the_command_line(run: Callable[..., Any], tmp_path: Path) -> None:
    made = run("listening", "create", "moving-more", "--title", "Moving more", "--question",
               "What would help you be more active?", "--prompt", "What gets in the way?",
               "--table", "Table 1", "--table", "Table 2", "--town", "Morecambe",
               "--date", "2026-05-01", "--json")  # fmt: skip
    assert made.code == 0, made.err
    assert json.loads(made.out)["tables"] == ["Table 1", "Table 2"]
    assert run("listening", "tables", "moving-more", "--add", "Table 3").out.strip() == (
        "moving-more: Table 1, Table 2, Table 3"
    )
    hosts = run("listening", "hosts", "moving-more", "--add", "host@example.org", "--table",
                "Table 2", "--json")  # fmt: skip
    assert json.loads(hosts.out)["hosts"] == [
        {"email": "host@example.org", "name": "Hana", "table": "Table 2"}
    ]
    listed = run("listening", "list")
    assert listed.out.split() == [
        "moving-more",
        "2026-05-01",
        "open",
        "3",
        "tables",
        "Moving",
        "more",
    ]

    flip = tmp_path / "flip.csv"
    flip.write_text("table,text\nTable 1,Benches\nTable 2,Call me on 07700 900123\n")
    imported = run("listening", "import-notes", "moving-more", str(flip))
    assert imported.code == 0, imported.err
    assert "2 notes imported, 1 held for review" in imported.out
    assert "held: line 3: a phone number" in imported.out

    notes = json.loads(run("listening", "notes", "moving-more", "--json").out)
    assert notes["visible"] == 1 and len(notes["pending"]) == 1
    assert [t["table"] for t in notes["tables"]] == ["Table 1", "Table 2", "Table 3"]
    held_id = notes["pending"][0]["id"]
    review = run("listening", "review", "moving-more")
    assert f"[{held_id}] Table 2: Call me" in review.out and "a phone number" in review.out
    released = run("listening", "review", "moving-more", "--release", str(held_id), "--json")
    assert json.loads(released.out)["pending"] == []
    shown = run("listening", "notes", "moving-more")
    assert "2 shown, 0 held for review, 0 rejected." in shown.out
    again = run("listening", "review", "moving-more", "--reject", str(held_id))
    assert again.code == 5 and "not held" in again.err


def test_comments_from_the_command_line(run: Callable[..., Any], tmp_path: Path) -> None:
    fft = tmp_path / "fft.csv"
    fft.write_text("id,comment,ward\n1,Lovely nurses,A\n2,Email me at jo@example.org,B\n3,,C\n")
    done = run("listening", "import-comments", str(fft), "--source", "fft", "--text-column",
               "comment", "--id-column", "id")  # fmt: skip
    assert done.code == 0, done.err
    assert "warning: " in done.out and "ward" in done.out
    assert "2 comments imported, 1 held for review; 0 already imported, 1 without text" in done.out
    listed = json.loads(run("listening", "comments", "--json").out)
    assert listed["counts"] == {"fft": {"pending": 1, "visible": 1, "rejected": 0}}
    held = listed["held"][0]
    assert held["reason"] == "an email address"
    rejected = run("listening", "comments", "--reject", str(held["id"]))
    assert "fft: 0 pending, 1 visible, 1 rejected" in rejected.out


def test_refusals_exit_with_one_line(run: Callable[..., Any], tmp_path: Path) -> None:
    missing = run("listening", "notes", "nope")
    assert missing.code == 4 and "no listening event 'nope'" in missing.err
    run("listening", "create", "m", "--title", "T", "--question", "Q", "--table", "Table 1")
    nobody = run("listening", "hosts", "m", "--add", "who@example.org")
    assert nobody.code == 4 and "groundswell users invite who@example.org" in nobody.err
    bad = tmp_path / "bad.csv"
    bad.write_text("table,text\nTable 7,Hello\n")
    refused = run("listening", "import-notes", "m", str(bad))
    assert refused.code == 3
    assert "line 2, field 'table': 'Table 7' is not a table of 'm'" in refused.err
    assert "Traceback" not in refused.err
    date = run("listening", "create", "d", "--title", "T", "--question", "Q", "--date", "May")
    assert date.code == 3 and "--date: 'May' is not a date" in date.err
