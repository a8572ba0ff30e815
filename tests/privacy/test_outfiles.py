"""Export files: targets in an --out folder and CSV cells, shared by every export."""

from __future__ import annotations

import csv
import enum
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from groundswell.actions.outfiles import csv_cell, out_targets, write_csv, writing_into
from groundswell.errors import Conflict, InvalidInput


class Kind(enum.Enum):
    FRIEND = "friend"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0.1, "0.1"),
        (3, "3"),
        (date(2024, 5, 1), "2024-05-01"),
        (datetime(2024, 5, 1, 9, 30, tzinfo=UTC), "2024-05-01T09:30:00+00:00"),
        (Kind.FRIEND, "friend"),
        ({"a": "é"}, '{"a": "é"}'),
        ([1, 2], "[1, 2]"),
        ("plain, with a comma", "plain, with a comma"),
    ],
)
def test_each_value_has_one_csv_text(value, text):
    assert csv_cell(value) == text


def test_targets_are_made_once_and_never_overwritten_unless_asked(tmp_path: Path):
    folder = tmp_path / "out" / "deeper"
    targets = out_targets(folder, ["a.csv", "b.csv"], overwrite=False)
    assert targets == [folder / "a.csv", folder / "b.csv"] and folder.is_dir()
    assert write_csv(targets[0], ["x", "y"], [(1, None), (True, "z")]) == 2
    with targets[0].open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [["x", "y"], ["1", ""], ["true", "z"]]
    with pytest.raises(Conflict, match=r"a\.csv already exists; .* add --force"):
        out_targets(folder, ["b.csv", "a.csv"], overwrite=False)
    assert out_targets(folder, ["a.csv"], overwrite=True) == [folder / "a.csv"]
    with pytest.raises(InvalidInput, match="is a file, not a folder"):
        out_targets(targets[0], ["c.csv"], overwrite=False)


def test_a_failed_write_names_the_folder(tmp_path: Path):
    full = r"cannot write to .*out \(No space left on device\); choose another --out"
    with pytest.raises(InvalidInput, match=full), writing_into(tmp_path / "out"):
        raise OSError(28, "No space left on device")
