"""do_build_demo: writes what it reports in one transaction, refuses other data, rebuilds."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Date, func, select

from groundswell.actions.demo import MODELS, do_build_demo, movement_counts
from groundswell.actions.votes import do_vote
from groundswell.app import App
from groundswell.demo import generate, places
from groundswell.demo.conversation import LIVE_SLUG, SLUG
from groundswell.errors import Conflict
from groundswell.settings import load_settings
from groundswell.store import migrate
from groundswell.store.models import (
    ActivityLog,
    AuditEvent,
    Campaign,
    Conversation,
    Event,
    Initiative,
    Person,
    Recruitment,
    Statement,
    SurveyResponse,
    Tie,
    Vote,
)

PEOPLE = 800
TODAY = date(2025, 6, 30)


def _counts(app) -> dict[str, int]:
    with app.reading() as session:
        return {
            m.__table__.name: session.scalar(select(func.count()).select_from(m)) for m in MODELS
        }


def _snapshot(app) -> dict[str, list[tuple]]:
    """Every row of the tables the demo touches, plus the audit trail."""
    out = {}
    with app.reading() as session:
        for model in (*MODELS, AuditEvent):
            table = model.__table__
            rows = session.execute(select(table).order_by(table.c.id)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def test_build_writes_the_counts_it_reports(db_app):
    progress: list[str] = []
    summary = do_build_demo(
        db_app, 5, PEOPLE, today=TODAY, progress=lambda phase, i, n: progress.append(phase)
    )
    assert summary.counts == _counts(db_app)
    assert summary.counts == movement_counts(generate(5, PEOPLE, today=TODAY))
    assert summary.today == "2025-06-30"
    assert summary.people == PEOPLE and sum(summary.towns.values()) == PEOPLE
    assert summary.replaced == 0 and summary.seconds > 0
    assert progress[0] == "generate" and progress[-1] == "audit"
    migrate.check(db_app.engine)  # the schema is untouched
    with db_app.reading() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo.build")).one()
        assert audit.detail["seed"] == 5 and audit.detail["counts"] == summary.counts
        assert audit.detail["today"] == "2025-06-30"
        refs = session.scalars(select(Person.ref)).all()
        assert all(r.startswith("demo-") for r in refs) and len(set(refs)) == PEOPLE
        # Foreign keys point at the demo's own rows.
        assert session.scalar(select(func.count()).select_from(Recruitment)) > 0
        tie = session.scalars(select(Tie).limit(1)).one()
        assert tie.source.ref.startswith("demo-") and tie.origin == "demo"
        assert set(session.scalars(select(Vote.value).distinct())) == {-1, 0, 1}
        assert session.scalar(select(func.count()).select_from(Statement)) >= 30
        modes = set(session.scalars(select(Initiative.power_mode).distinct()))
        assert {m.value for m in modes} == {"keeping", "sharing", "ceding"}
        answers = session.scalars(select(SurveyResponse.answers).limit(5)).all()
        assert all(isinstance(a, list) and len(a) in (4, 7) for a in answers)
        consent = session.scalars(select(Person).where(Person.consent_contact)).first()
        assert consent.consent_contact_at is not None and consent.consent_contact_at.tzinfo
        closed = session.scalars(select(Conversation).where(Conversation.slug == SLUG)).one()
        assert closed.closed_at is not None
    # The movement's next conversation is open: a visitor's first vote is taken.
    assert do_vote(db_app, LIVE_SLUG, "a visitor", 0, "agree") == 0


def test_refuses_a_database_with_other_people(app):
    with app.transaction() as session:
        session.add(Person(ref="p-001", display_name="Someone Real"))
    before = _snapshot(app)
    with pytest.raises(Conflict, match=r"1 person who is not from a demo build.*--replace"):
        do_build_demo(app, 1, 300)
    assert _snapshot(app) == before


def test_replace_deletes_everything_first(app):
    with app.transaction() as session:
        session.add(Person(ref="p-001"))
    summary = do_build_demo(app, 1, 300, replace=True)
    assert summary.replaced == 1
    with app.reading() as session:
        assert session.scalar(select(Person).where(Person.ref == "p-001")) is None
        assert session.scalar(select(func.count()).select_from(Person)) == 300


def test_rebuild_replaces_a_previous_demo(app):
    do_build_demo(app, 1, 400)
    second = do_build_demo(app, 2, 300)
    assert second.replaced == 400
    assert _counts(app) == second.counts
    with app.reading() as session:
        builds = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "demo.build")
        ).all()
    assert [b["seed"] for b in builds] == [1, 2]


def _ties_by_ref(app) -> list[tuple[str, str, str]]:
    with app.reading() as session:
        rows = session.scalars(select(Tie)).all()
        return sorted((t.source.ref, t.target.ref, t.kind) for t in rows)


def test_same_seed_same_rows(app):
    do_build_demo(app, 3, 300)
    first = _ties_by_ref(app)
    do_build_demo(app, 3, 300)
    assert _ties_by_ref(app) == first
    do_build_demo(app, 4, 300)
    assert _ties_by_ref(app) != first


@pytest.mark.slow
def test_full_size_build(app):
    started = time.perf_counter()
    summary = do_build_demo(app, 7)
    seconds = time.perf_counter() - started
    assert summary.people == app.settings.demo_people == 20_000
    counts = _counts(app)
    assert counts == summary.counts
    assert counts["ties"] > 80_000 and counts["votes"] > 5_000
    assert counts["activity_logs"] > 5_000 and counts["participants"] >= 200
    print(f"demo build, 20,000 people: {seconds:.1f} s ({summary.phase_seconds})")


def _dated(app) -> list[tuple[str, date | datetime]]:
    """(table.column, value) for every date and time the demo wrote."""
    out = []
    with app.reading() as session:
        for model in MODELS:
            table = model.__table__
            for column in table.columns:
                kind = column.type
                if isinstance(kind, Date) or "DateTime" in type(kind).__name__:
                    values = session.scalars(select(column).where(column.is_not(None))).all()
                    out += [(f"{table.name}.{column.name}", v) for v in values]
    return out


def test_every_person_has_joined_and_nothing_is_dated_after_today(db_app):
    do_build_demo(db_app, 6, PEOPLE, today=TODAY)
    start = TODAY - timedelta(days=places.DAYS)
    midnight = datetime.combine(TODAY, datetime.min.time(), UTC)
    late = []
    for where, value in _dated(db_app):
        if isinstance(value, datetime):
            # Times are before today began; lone wolves joined years before the period.
            ok = value < midnight and (value.year >= start.year - 11)
        else:
            ok = start <= value <= TODAY or (where == "campaigns.ends_on" and value > TODAY)
        if not ok:
            late.append((where, value))
    assert late == []
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).where(Person.joined_at.is_(None))) == 0
        joined = [t.date() for t in session.scalars(select(Person.joined_at))]
        # Joined through the period (not all at once): every month of its two years has joiners.
        months = {(d.year, d.month) for d in joined if d >= start}
        assert len(months) >= 24
        held = session.scalars(select(Event.held_on)).all()
        assert min(held) < start + timedelta(days=60) and max(held) >= TODAY - timedelta(days=14)
        campaign = session.scalars(select(Campaign)).one()
        # The mile-a-day campaign runs on the day the demo is built, logged up to yesterday.
        assert campaign.starts_on < TODAY < campaign.ends_on
        last_log = session.scalar(select(func.max(ActivityLog.day)))
        assert last_log == TODAY - timedelta(days=1)
        live = session.scalars(select(Conversation).where(Conversation.slug == LIVE_SLUG)).one()
        assert live.closed_at is None
        assert midnight - timedelta(days=30) < live.opened_at < midnight


def _build(folder: Path, seed: int, today: date) -> dict[str, list[tuple]]:
    folder.mkdir()
    gs = App.build(load_settings({}, data_dir=folder, database_url=f"sqlite:///{folder / 'd.db'}"))
    try:
        gs.upgrade()
        do_build_demo(gs, seed, 300, today=today)
        snapshot = _snapshot(gs)
    finally:
        gs.close()
    del snapshot[AuditEvent.__table__.name]  # the audit trail records when it was built
    return snapshot


def test_same_seed_and_today_same_database(tmp_path):
    first = _build(tmp_path / "a", 3, TODAY)
    assert _build(tmp_path / "b", 3, TODAY) == first
    later = _build(tmp_path / "c", 3, TODAY + timedelta(days=1))
    assert later["ties"] == first["ties"] and later["people"] != first["people"]


@pytest.mark.slow
def test_fresh_demo_dashboard_shows_real_monthly_figures(app):
    """The whole movement's figures about people, month by month for a year, none suppressed."""
    from groundswell.actions.health_dashboard import dashboard

    today = date(2026, 12, 5)  # early in a month: the last month has only five days
    do_build_demo(app, 7, today=today)
    with app.reading() as session:
        board = dashboard(session, period=12, today=today)
    shown = {i.key: i for i in board.indicators}
    for key in ("participants", "growth", "active", "wellbeing", "reach"):
        hidden = [
            m for m, c in zip(shown[key].months, shown[key].cells, strict=True) if c.suppressed
        ]
        assert hidden == [], f"{shown[key].title}: suppressed in {hidden}"
    assert shown["participants"].latest.value == app.settings.demo_people
    # Joiners are spread over the months, not all in the month the demo was built.
    growth = [c.value for c in shown["growth"].cells[:-1]]
    assert min(growth) > 0.5 * max(growth)
