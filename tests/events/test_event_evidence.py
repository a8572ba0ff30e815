"""Hosting and attendance feed the roles: every host counts, and reasons name the events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.event_evidence import hosted_titles, naming
from groundswell.actions.events import EventDetails, do_create_event
from groundswell.actions.roles import gather_store
from groundswell.app import App
from groundswell.roles import assign_roles, gather_evidence
from groundswell.store.graph import read_store_graph
from groundswell.store.models import Person


def test_hosts_mobilise_the_people_who_came_and_reasons_name_the_events(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None], tmp_path: Path
) -> None:
    add_people(db_app, [("lead", "Morecambe"), ("co", "Morecambe")])
    for slug, title, day, names in (
        ("walk-1", "Prom walk", datetime(2026, 3, 1, 10, tzinfo=UTC), range(0, 25)),
        ("walk-2", "Bay clean-up", datetime(2026, 4, 5, 10, tzinfo=UTC), range(15, 45)),
    ):
        do_create_event(db_app, slug, EventDetails(title=title, starts_at=day,
                        hosts=["lead", "co"]), actor="org")  # fmt: skip
        sheet = tmp_path / f"{slug}.csv"
        rows = "".join(f",Walker {i},walker{i}@example.org,,no\n" for i in names)
        sheet.write_text("id,display_name,email,phone,consent_contact\nlead,,,,\n" + rows)
        do_import_attendance(db_app, slug, sheet, actor="org")
    graph, activity = gather_store(db_app)
    evidence = gather_evidence(graph, activity, seed=0)
    labels = graph.labels.tolist()
    lead, co = labels.index("lead"), labels.index("co")
    # The leader signed the sheet but is not their own turnout; the co-host hosted both.
    assert (int(evidence.led[lead]), int(evidence.hosted[co])) == (2, 2)
    assert int(evidence.attended[lead]) == 0
    assert int(evidence.turnout[lead]) == int(evidence.turnout[co]) == 25 + 30
    assert int(evidence.mobilised[lead]) == 45  # distinct walkers
    result = assign_roles(graph, evidence)
    assert result.holds["mobiliser"][lead] and result.holds["mobiliser"][co]
    with db_app.reading() as session:
        pid = session.query(Person.id).filter(Person.ref == "co").scalar()
        assert pid is not None
        text = naming(hosted_titles(session, [pid])[pid])
    assert text == "led or hosted Bay clean-up (5 April 2026), Prom walk (1 March 2026)"


def test_store_graph_names_its_tie_kinds_and_filters_them(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None], tmp_path: Path
) -> None:
    add_people(db_app, [("a", "X"), ("b", "X"), ("c", "X")])
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target,kind\na,b,knows\n")
    from groundswell.actions.imports import do_import_ties

    do_import_ties(db_app, ties)
    do_create_event(db_app, "meet", EventDetails(title="Meet", starts_at=datetime(2026, 1, 1,
                    tzinfo=UTC)), actor="org")  # fmt: skip
    sheet = tmp_path / "s.csv"
    sheet.write_text("id\na\nb\nc\n")
    do_import_attendance(db_app, "meet", sheet, actor="org")
    everything, report = read_store_graph(db_app)
    assert everything.m == 3  # a-b (knows, and met), a-c, b-c
    assert "tie kinds: attended_together (3), knows (1)" in report.notes
    known, report = read_store_graph(db_app, kinds=["knows"])
    assert known.m == 1 and "tie kinds: knows (1)" in report.notes
