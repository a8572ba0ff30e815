"""The roles report: one snapshot per computation, cached by what it reads, names by id."""

from __future__ import annotations

from sqlalchemy import func, select, update

from groundswell.actions import data_version
from groundswell.actions import roles_report as rr
from groundswell.actions.snapshot import reading_snapshot
from groundswell.app import App
from groundswell.store.models import Person, Tie


def _people_and_a_tie(gs: App) -> None:
    with gs.transaction() as s:
        people = [Person(ref=f"r{i}", town="Ashby", display_name=f"Person {i}") for i in range(4)]
        s.add_all(people)
        s.flush()
        s.add(Tie(source_id=people[0].id, target_id=people[1].id))


def test_every_write_in_this_process_bumps_its_table(db_app: App) -> None:
    data_version.watch(db_app.engine)
    before = data_version.current(["people", "ties"])
    _people_and_a_tie(db_app)
    after = data_version.current(["people", "ties"])
    assert after[0] > before[0] and after[1] > before[1]
    with db_app.transaction() as s:
        s.execute(update(Person).values(town="Bexley"))  # an update adds no row
    assert data_version.current(["people"])[0] > after[0]


def test_the_fingerprint_sees_an_update_made_by_another_process(db_app: App) -> None:
    _people_and_a_tie(db_app)
    with reading_snapshot(db_app) as session:
        before = rr.data_fingerprint(session)
    # Another process: its writes bump no version here, the data itself must show them.
    other = App.build(db_app.settings)
    try:
        with other.transaction() as s:
            s.execute(update(Tie).values(weight=3.0))
    finally:
        other.close()
    with reading_snapshot(db_app) as session:
        assert rr.data_fingerprint(session) != before


def test_a_snapshot_does_not_see_writes_made_after_its_first_read(db_app: App) -> None:
    _people_and_a_tie(db_app)
    with reading_snapshot(db_app) as session:
        first = session.scalar(select(func.count(Person.id)))
        with db_app.transaction() as s:
            s.add(Person(ref="late", town="Ashby"))
        assert session.scalar(select(func.count(Person.id))) == first
    with db_app.reading() as session:
        assert session.scalar(select(func.count(Person.id))) == first + 1


def test_the_report_is_recomputed_after_a_write_and_kept_otherwise(db_app: App) -> None:
    _people_and_a_tie(db_app)
    first = rr.roles_report(db_app)
    assert rr.roles_report(db_app) is first
    assert first.labels == ["r0", "r1", "r2", "r3"]  # graph order, matched to people by ref
    with db_app.transaction() as s:
        s.execute(update(Tie).values(weight=2.0))
    assert rr.roles_report(db_app) is not first
