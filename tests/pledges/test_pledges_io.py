"""Pledges and memberships export and import back unchanged; bad rows are refused whole."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from groundswell.actions import initiatives as ia
from groundswell.actions import memberships as ma
from groundswell.actions import pledges as pa
from groundswell.actions.campaigns import do_create_campaign
from groundswell.actions.export import do_export, export_document
from groundswell.app import App
from groundswell.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from datacli import dump

PEOPLE = [("p1", "Morecambe"), ("p2", "Heysham"), ("p3", "Lancaster")]


def places(app: App) -> None:
    """The initiatives and campaigns pledges and memberships name (not exported)."""
    ia.do_create_initiative(app, slug="walk", name="Walk", hand="grassroots",
                            power_mode="sharing")  # fmt: skip
    ia.do_create_initiative(app, slug="gp-lunch", name="GP lunch", hand="system",
                            power_mode="keeping")  # fmt: skip
    do_create_campaign(app, slug="mile", name="A mile a day", unit="miles",
                       starts_on=date(2026, 1, 1))  # fmt: skip


@pytest.fixture
def source(
    tmp_path: Path, add_people: Callable[[App, list[tuple[str, str]]], None]
) -> Iterator[App]:
    """A small movement built by actions: pledges at every step, members who stayed and left."""
    folder = tmp_path / "source"
    folder.mkdir()
    app = App.build(load_settings({}, data_dir=folder,
                                  database_url=f"sqlite:///{folder / 'gs.db'}"))  # fmt: skip
    app.upgrade()
    add_people(app, PEOPLE)
    places(app)
    pa.do_make_pledge(app, person="p1", text="=1+1, and walk to work", initiative="walk",
                      campaign="mile", actor="t")  # fmt: skip
    shared = pa.do_make_pledge(app, person="p2", text="Cook with a neighbour", actor="t")
    pa.do_share_pledge(app, shared.id)
    done = pa.do_make_pledge(app, person="p1", text="Ask my GP, kindly", initiative="gp-lunch")
    pa.do_share_pledge(app, done.id)
    pa.do_complete_pledge(app, done.id)
    ma.do_join_initiative(app, "walk", "p1", role="leader", on=date(2026, 2, 1), actor="t")
    ma.do_join_initiative(app, "walk", "p2", on=date(2026, 2, 3), actor="t")
    ma.do_leave_initiative(app, "walk", "p2", on=date(2026, 3, 9), actor="t")
    ma.do_join_initiative(app, "gp-lunch", "p3", role="sponsor", actor="t")
    yield app
    app.close()


def test_export_then_import_gives_the_same_pledges_and_memberships(
    source: App, db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None],
    cli: Callable[[App], Callable[..., Any]], tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "export"
    summary = do_export(source, out)
    assert (summary.counts["pledges"], summary.counts["memberships"]) == (3, 3)
    add_people(db_app, PEOPLE)
    places(db_app)
    run = cli(db_app)
    for table in ("pledges", "memberships"):
        result = run("import", table, str(out / f"{table}.csv"))
        assert result.code == 0 and result.err == "", (table, result.err)
    original, copy = export_document(source), export_document(db_app)
    for name in ("pledges", "memberships"):
        assert copy[name] == original[name], name
    statuses = [(p["person"], p["status"], p["done_at"] is not None) for p in copy["pledges"]]
    assert statuses == [("p1", "made", False), ("p2", "shared", False), ("p1", "done", True)]
    left = copy["memberships"][1]
    assert (left["person"], left["joined_on"], left["left_on"]) == ("p2", "2026-02-03",
                                                                    "2026-03-09")  # fmt: skip
    written = do_export(db_app, tmp_path / "json", fmt="json").files[0]
    assert json.loads(Path(written).read_text())["memberships"] == copy["memberships"]
    before = dump(db_app.engine)
    for table, says in (("pledges", "line 2, field 'made_at'"),
                        ("memberships", "line 2, field 'person'")):  # fmt: skip
        again = run("import", table, str(out / f"{table}.csv"))
        assert again.code == 3 and says in again.err and "already in the database" in again.err
    assert dump(db_app.engine) == before


@pytest.mark.parametrize(
    ("table", "text", "says"),
    [
        ("pledges", "person,text\nghost,Walk\n", "line 2, field 'person': 'ghost' is not a person"),
        ("pledges", "person,text,initiative\np1,Walk,nope\n", "field 'initiative'"),
        ("pledges", "person,text,campaign\np1,Walk,nope\n", "field 'campaign'"),
        ("pledges", "person,text,status\np1,Walk,maybe\n", "field 'status'"),
        ("pledges", "person,text,made_at\np1,Walk,soon\n", "field 'made_at'"),
        (
            "pledges",
            "person,text,made_at\np1,W,2026-01-01\np2,X,\np1,W,2026-01-01T00:00:00\n",
            "line 4, field 'made_at'",
        ),
        ("pledges", "person,text\np1,\n", "line 2, field 'text'"),
        ("memberships", "initiative,person\nnope,p1\n", "field 'initiative': there is no"),
        ("memberships", "initiative,person\nwalk,ghost\n", "field 'person'"),
        ("memberships", "initiative,person,role\nwalk,p1,boss\n", "field 'role'"),
        ("memberships", "initiative,person,joined_on\nwalk,p1,2026-02-30\n", "field 'joined_on'"),
        ("memberships", "initiative,person,left_on\nwalk,p1,2026-02-01T10:00\n", "field 'left_on'"),
        (
            "memberships",
            "initiative,person,joined_on,left_on\nwalk,p1,2026-03-01,2026-02-01\n",
            "field 'left_on'",
        ),
        ("memberships", "initiative,person\nwalk,p1\nwalk,p2\nwalk,p1\n", "line 4, field 'person'"),
        ("memberships", "initiative,person\nwalk,p3\n", "already in the database"),
    ],
)
def test_refused_files_change_nothing(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None],
    cli: Callable[[App], Callable[..., Any]], tmp_path: Path, table: str, text: str, says: str,
) -> None:  # fmt: skip
    add_people(db_app, PEOPLE)
    places(db_app)
    ma.do_join_initiative(db_app, "walk", "p3", actor="t")
    before = dump(db_app.engine)
    path = tmp_path / f"{table}.csv"
    path.write_text(text)
    result = cli(db_app)("import", table, str(path))
    assert result.code == 3 and says in result.err, result.err
    assert dump(db_app.engine) == before
