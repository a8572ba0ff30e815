"""Events, RSVPs and attendance export and import back unchanged; bad rows are refused whole."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from groundswell.actions import check_in as door
from groundswell.actions import rsvps as rv
from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.events import EventDetails, do_create_event
from groundswell.actions.export import do_export, export_document
from groundswell.app import App
from groundswell.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from datacli import dump

ORDER = ("people", "ties", "recruitment", "events", "rsvps", "attendance")


def a_movement(app: App, add_people: Callable[[App, list[tuple[str, str]]], None],
               tmp_path: Path) -> None:  # fmt: skip
    add_people(app, [("h1", "Morecambe"), ("h2", "Heysham"), ("p1", "Morecambe")])
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    do_create_event(app, "prom-walk", EventDetails(title="Prom walk, with tea", starts_at=soon,
                    ends_at=soon + timedelta(hours=2), hosts=["h1", "h2"], capacity=1,
                    place="The Platform", description="=1+1 is a formula"), actor="t")  # fmt: skip
    ann = rv.do_rsvp(app, "prom-walk", rv.Contact("Ann", "ann@example.org", "07700 900123", True,
                                                  "step-free"), actor="t")  # fmt: skip
    rv.do_rsvp(app, "prom-walk", rv.Contact("Bob"), actor="t")  # waiting
    door.do_check_in(app, "prom-walk", ann.id, actor="t")
    door.do_walk_in(app, "prom-walk", rv.Contact("Cy"), brought_by=ann.id, actor="t")
    door.do_close_door(app, "prom-walk", actor="t")
    do_create_event(app, "old-meet", EventDetails(title="Old meeting", starts_at=soon - timedelta(
                    days=60)), actor="t")  # fmt: skip
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,display_name\np1,\n,Dee\n")
    do_import_attendance(app, "old-meet", sheet, actor="t")


def test_export_then_import_gives_the_same_events(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None],
    cli: Callable[[App], Callable[..., Any]], tmp_path: Path,
) -> None:  # fmt: skip
    a_movement(db_app, add_people, tmp_path)
    out = tmp_path / "export"
    summary = do_export(db_app, out)
    assert summary.counts["events"] == 2 and summary.counts["rsvps"] == 5
    assert summary.counts["attendance"] == 4
    fresh = App.build(load_settings({}, database_url=f"sqlite:///{tmp_path / 'fresh.db'}"))
    fresh.upgrade()
    run = cli(fresh)
    for table in ORDER:
        result = run("import", table, str(out / f"{table}.csv"))
        assert result.code == 0 and result.err == "", (table, result.err)
    original, copy = export_document(db_app), export_document(fresh)
    # People's own columns round-trip in tests/cli/test_import.py; here, what refers to them.
    assert [p["id"] for p in copy["people"]] == [p["id"] for p in original["people"]]
    for name in ORDER[1:]:
        assert copy[name] == original[name], name
    ann, cy = original["attendance"][:2]  # Cy walked in with Ann
    assert (ann["brought_by"], cy["brought_by"], cy["source"]) == (None, ann["person"], "walk_in")
    again = run("import", "events", str(out / "events.csv"))
    assert again.code == 3 and "line 2, field 'event': 'prom-walk' is already" in again.err
    fresh.close()


@pytest.mark.parametrize(
    ("table", "text", "says"),
    [
        ("events", "event,title,starts_at\nBad Slug,X,2026-01-01\n", "field 'event'"),
        ("events", "event,title\ny,Y\n", "field 'held_on'"),
        ("events", "event,title,held_on,hosts\ny,Y,2026-01-01,h1;ghost\n", "field 'hosts'"),
        ("rsvps", "event,person\nnope,h1\n", "field 'event': 'nope' is not an event"),
        ("rsvps", "event,person,status\nx,h1,maybe\n", "field 'status'"),
        ("attendance", "event,person\nx,h1\nx,h1\n", "line 3, field 'person'"),
        ("attendance", "event,person,checked_in_at\nx,h1,soon\n", "field 'checked_in_at'"),
    ],
)
def test_refused_files_change_nothing(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None],
    cli: Callable[[App], Callable[..., Any]], tmp_path: Path, table: str, text: str, says: str,
) -> None:  # fmt: skip
    add_people(db_app, [("h1", "Morecambe")])
    do_create_event(db_app, "x", EventDetails(title="X", starts_at=datetime(2026, 1, 1,
                    tzinfo=UTC)), actor="t")  # fmt: skip
    before = dump(db_app.engine)
    path = tmp_path / f"{table}.csv"
    path.write_text(text)
    result = cli(db_app)("import", table, str(path))
    assert result.code == 3 and says in result.err, result.err
    assert dump(db_app.engine) == before
