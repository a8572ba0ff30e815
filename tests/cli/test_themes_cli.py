"""``groundswell themes analyse``: a CSV column in, themes out; bad files named by line, field."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from datacli import run_cli

from groundswell.errors import ExitStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "themes"))
from themes_corpus import topic_corpus  # the themes tests' synthetic corpus


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    texts, _ = topic_corpus()
    path = tmp_path / "comments.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Ref", "Comment", "Ward"])
        for i, text in enumerate(texts):
            out.writerow([f"r{i:03d}", text, "A"])
    return path


def test_json_output_as_documented(comments, capsys) -> None:
    result = run_cli(
        capsys, "themes", "analyse", str(comments), "--text-column", "comment",
        "--id-column", "ref", "--themes", "3", "--seed", "4", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert set(doc) == {"themes", "assignments", "seconds", "sub_assignments"}
    assert len(doc["themes"]) == 3
    keys = {"id", "label", "keywords", "size", "examples", "subthemes"}
    assert [set(t) for t in doc["themes"]] == [keys] * 3
    assert len(doc["assignments"]) == 108 and "r000" in doc["assignments"]
    assert list(doc["sub_assignments"]) == list(doc["assignments"])
    sub_ids = {s["id"] for t in doc["themes"] for s in t["subthemes"]}
    assert sub_ids and set(doc["sub_assignments"].values()) <= sub_ids | {None}
    again = run_cli(
        capsys, "themes", "analyse", str(comments), "--text-column", "Comment",
        "--id-column", "Ref", "--themes", "3", "--seed", "4", "--json",
    )  # fmt: skip
    assert json.loads(again.out)["assignments"] == doc["assignments"]


def test_ids_default_to_row_numbers_and_the_table_shows_each_theme(comments, capsys) -> None:
    result = run_cli(capsys, "themes", "analyse", str(comments), "--text-column", "comment")
    assert result.code == 0, result.err
    assert "comments; " in result.out and "unthemed" in result.out
    doc_run = run_cli(
        capsys, "themes", "analyse", str(comments), "--text-column", "comment", "--json"
    )
    doc = json.loads(doc_run.out)
    assert list(doc["assignments"])[:3] == ["1", "2", "3"]
    for theme in doc["themes"]:
        assert theme["label"] in result.out.replace("\n", " ") or theme["label"][:20] in result.out
    lines = result.out.splitlines()
    for sub in (s for t in doc["themes"] for s in t["subthemes"]):
        # Indented under its theme: the row with its id in the sub-theme column.
        row = next(line for line in lines if line.split("│")[2:3] == [f" {sub['id']:>9} "])
        assert row.split("│")[1].strip() == "" and row.split("│")[4].startswith("   ")


@pytest.mark.parametrize(
    ("content", "args", "says"),
    [
        ("Ref,Note\nr1,hello\n", ["--text-column", "comment"],
         "field 'comment': this column is missing"),
        ("Ref,Comment\nr1,a\nr1,b\n", ["--text-column", "comment", "--id-column", "ref"],
         "line 3, field 'ref': the id 'r1' is also on line 2"),
        ("Ref,Comment\n,a\n", ["--text-column", "comment", "--id-column", "ref"],
         "line 2, field 'ref': the id is empty"),
        ("Ref,Comment\n", ["--text-column", "comment"], "no rows of text"),
        ("", ["--text-column", "comment"], "the file is empty"),
    ],
)  # fmt: skip
def test_bad_files_are_named_by_line_and_field(tmp_path, capsys, content, args, says) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = run_cli(capsys, "themes", "analyse", str(path), *args)
    assert result.code == ExitStatus.INPUT
    assert str(path) in result.err and says in result.err
    assert "Traceback" not in result.err


def test_a_missing_file_and_too_many_themes(tmp_path, comments, capsys) -> None:
    missing = run_cli(capsys, "themes", "analyse", str(tmp_path / "no.csv"), "--text-column", "c")
    assert missing.code == ExitStatus.INPUT and "no such file" in missing.err
    many = run_cli(
        capsys, "themes", "analyse", str(comments), "--text-column", "comment", "--themes", "500"
    )
    assert many.code == ExitStatus.INPUT and "ask for fewer themes" in many.err


def test_too_few_comments_are_all_unthemed(tmp_path, capsys) -> None:
    path = tmp_path / "few.csv"
    path.write_text("comment\nThe food was cold\nParking was full\n\nGreat nurses\n", "utf-8")
    result = run_cli(capsys, "themes", "analyse", str(path), "--text-column", "comment")
    assert result.code == 0, result.err
    assert "0 themes in 3 comments; 3 unthemed" in result.out
