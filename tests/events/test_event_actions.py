"""Events, RSVPs, the door and attendance ties on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from groundswell.actions import check_in as door
from groundswell.actions import events as ev
from groundswell.actions import rsvps as rv
from groundswell.actions.attendance_ties import KIND, do_link_attendees
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    Attendance,
    ConsentEvent,
    Event,
    EventHost,
    Person,
    Recruitment,
    Rsvp,
    Tie,
)

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


def details(**kw: object) -> ev.EventDetails:
    base: dict[str, object] = {"title": "Walk on the prom", "starts_at": SOON, "town": "Morecambe"}
    return ev.EventDetails(**{**base, **kw})  # type: ignore[arg-type]


def test_create_edit_list_and_hosts(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]
) -> None:
    add_people(db_app, [("h1", "Morecambe"), ("h2", "Heysham")])
    ev.do_create_event(
        db_app,
        "prom-walk",
        details(hosts=["h1", "h2"], capacity=20, ends_at=SOON + timedelta(hours=2)),
        actor="org",
    )
    with db_app.reading() as s:
        view = ev.event_view(s, "prom-walk")
        event = s.scalar(select(Event).where(Event.slug == "prom-walk"))
        assert event is not None and event.held_on == SOON.date() and event.status == "scheduled"
        assert event.led_by_id == s.scalar(select(Person.id).where(Person.ref == "h1"))
    assert view.host_refs == ["h1", "h2"] and view.capacity == 20 and view.places_left == 20
    ev.do_edit_event(
        db_app,
        "prom-walk",
        details(title="Prom walk", hosts=["h2"]),
        status="cancelled",
        actor="org",
    )
    with db_app.reading() as s:
        view = ev.event_view(s, "prom-walk")
        assert s.scalar(select(func.count()).select_from(EventHost)) == 1
        upcoming, past = ev.list_events(s)
    assert (view.title, view.status, view.host_refs) == ("Prom walk", "cancelled", ["h2"])
    assert [v.slug for v in upcoming] == ["prom-walk"] and past == []


@pytest.mark.parametrize(
    ("slug", "kw", "error", "says"),
    [
        ("Bad Slug", {}, InvalidInput, "slug"),
        ("ok", {"title": " "}, InvalidInput, "title"),
        ("ok", {"ends_at": SOON - timedelta(hours=1)}, InvalidInput, "after the start"),
        ("ok", {"starts_at": SOON.replace(tzinfo=None)}, InvalidInput, "time zone"),
        ("ok", {"capacity": 0}, InvalidInput, "capacity"),
        ("ok", {"online_url": "javascript:alert(1)"}, InvalidInput, "online link"),
        ("ok", {"hosts": ["nobody"]}, NotFound, "hosts"),
        ("ok", {"initiative": "nope"}, NotFound, "initiative"),
    ],
)
def test_refused_events_write_nothing(
    db_app: App, slug: str, kw: dict[str, object], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        ev.do_create_event(db_app, slug, details(**kw), actor="org")
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 0


def test_duplicate_slug_is_a_conflict(db_app: App) -> None:
    ev.do_create_event(db_app, "walk", details(), actor="org")
    with pytest.raises(Conflict):
        ev.do_create_event(db_app, "walk", details(), actor="org")


def test_rsvp_capacity_waiting_list_cancel_and_consent(db_app: App) -> None:
    ev.do_create_event(db_app, "walk", details(capacity=2), actor="org")
    a = rv.do_rsvp(
        db_app,
        "walk",
        rv.Contact("Ann", "ann@example.org", consent_contact=True, accessibility="step-free route"),
        actor="web",
    )
    b = rv.do_rsvp(db_app, "walk", rv.Contact("Bob"), actor="web")
    c = rv.do_rsvp(db_app, "walk", rv.Contact("Cat", phone="01524 583000"), actor="web")
    assert (a.status, b.status, c.status) == ("going", "going", "waiting")
    assert a.token and rv.rsvp_by_token(db_app, "walk", a.token).display_name == "Ann"
    # The same email on the public form is someone new: it never finds Ann's record.
    again = rv.do_rsvp(db_app, "walk", rv.Contact("Ann B", "ANN@example.org"), actor="web")
    assert again.token and rv.rsvp_by_token(db_app, "walk", again.token).display_name == "Ann B"
    assert b.token is not None and c.token is not None
    cancelled = rv.do_cancel_rsvp(db_app, "walk", b.token)
    assert cancelled.status == "cancelled"
    assert rv.rsvp_by_token(db_app, "walk", c.token).status == "going"  # moved up
    with pytest.raises(NotFound):
        rv.rsvp_by_token(db_app, "walk", "not-a-token")
    with db_app.reading() as s:
        consents = s.execute(
            select(Person.display_name, ConsentEvent.granted)
            .join(Person, Person.id == ConsentEvent.person_id)
            .order_by(ConsentEvent.id)
        ).all()
        stored = s.scalar(select(Rsvp.token_hash).where(Rsvp.id == a.id))
        email = s.scalar(select(Person.email).where(Person.display_name == "Ann"))
    assert [tuple(r) for r in consents] == [
        ("Ann", True), ("Bob", False), ("Cat", False), ("Ann B", False)
    ]  # fmt: skip
    assert stored != a.token and len(stored or "") == 64  # only the hash is kept
    assert email == "ann@example.org"


def test_rsvp_refusals(db_app: App) -> None:
    ev.do_create_event(db_app, "walk", details(), actor="org")
    with pytest.raises(InvalidInput, match="name"):
        rv.do_rsvp(db_app, "walk", rv.Contact("  "), actor="web")
    with pytest.raises(InvalidInput, match="email"):
        rv.do_rsvp(db_app, "walk", rv.Contact("Ann", "not-an-email"), actor="web")
    with pytest.raises(NotFound):
        rv.do_rsvp(db_app, "nope", rv.Contact("Ann"), actor="web")
    ev.do_edit_event(db_app, "walk", details(), status="cancelled", actor="org")
    with pytest.raises(Conflict, match="cancelled"):
        rv.do_rsvp(db_app, "walk", rv.Contact("Ann"), actor="web")
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_door_check_in_walk_in_and_ties(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]
) -> None:
    add_people(db_app, [("host", "Morecambe")])
    ev.do_create_event(db_app, "walk", details(hosts=["host"]), actor="org")
    ann = rv.do_rsvp(db_app, "walk", rv.Contact("Ann Lee"), actor="web")
    bob = rv.do_rsvp(db_app, "walk", rv.Contact("Bob Ray"), actor="web")
    rows, came, expected = door.door_list(db_app, "walk", search="lee", actor="host")
    assert [r.display_name for r in rows] == ["Ann Lee"] and (came, expected) == (0, 2)
    first = door.do_check_in(db_app, "walk", ann.id, actor="host")
    again = door.do_check_in(db_app, "walk", ann.id, actor="host")  # a retried tick
    assert first.checked_in and again.checked_in_at == first.checked_in_at
    door.do_check_in(db_app, "walk", bob.id, actor="host")
    new = door.do_walk_in(
        db_app, "walk", rv.Contact("Cy", consent_contact=True), brought_by=ann.id, actor="host"
    )
    assert new.walk_in and new.checked_in
    undone = door.do_undo_check_in(db_app, "walk", bob.id, actor="host")
    assert not undone.checked_in
    door.do_check_in(db_app, "walk", bob.id, actor="host")
    with pytest.raises(NotFound):
        door.do_check_in(db_app, "walk", 999_999, actor="host")
    ties = door.do_close_door(db_app, "walk", actor="host")
    assert ties == 3  # Ann, Bob, Cy: three pairs
    with db_app.reading() as s:
        assert s.scalar(select(Event.status)) == "held"
        assert s.scalar(select(func.count()).select_from(Attendance)) == 3
        rec = s.execute(select(Recruitment.recruiter_id, Recruitment.recruit_id)).one()
        names = dict(s.execute(select(Person.id, Person.display_name)).all())
        assert (names[rec[0]], names[rec[1]]) == ("Ann Lee", "Cy")
        kinds = set(s.scalars(select(Tie.kind)))
    assert kinds == {KIND}


def test_ties_weigh_events_shared_within_the_window(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]
) -> None:
    add_people(db_app, [("a", "X"), ("b", "X"), ("c", "X")])
    old = datetime(2026, 1, 10, 18, tzinfo=UTC)
    for i, (day, who) in enumerate(
        [
            (old - timedelta(days=400), "ab"),
            (old - timedelta(days=30), "ab"),
            (old - timedelta(days=10), "abc"),
            (old, "ab"),
        ]
    ):
        ev.do_create_event(db_app, f"e{i}", details(starts_at=day), actor="org")
        with db_app.transaction() as s:
            eid = s.scalar(select(Event.id).where(Event.slug == f"e{i}"))
            ids = dict(s.execute(select(Person.ref, Person.id)).all())
            s.add_all(Attendance(event_id=eid, person_id=ids[p]) for p in who)
    assert do_link_attendees(db_app, "e3") == 1  # only a and b came to e3
    with db_app.reading() as s:
        weight = s.scalar(select(Tie.weight).where(Tie.kind == KIND))
    assert weight == 3.0  # e1, e2, e3: e0 is over 365 days before
    assert do_link_attendees(db_app, "e2", window_days=5) == 3
    with db_app.reading() as s:
        weights = sorted(s.scalars(select(Tie.weight).where(Tie.kind == KIND)))
    assert weights == [1.0, 1.0, 1.0]


def test_finding_an_anonymous_rsvp_with_someones_email_neither_names_them_nor_changes_consent(
    db_app: App,
) -> None:
    ev.do_create_event(db_app, "walk", details(), actor="org")
    ev.do_create_event(db_app, "talk", details(), actor="org")
    rv.do_rsvp(db_app, "walk", rv.Contact("Ann Real", "ann@example.org", consent_contact=True),
               actor="web")  # fmt: skip
    # A stranger types Ann's email, another name and "no" to contact.
    forged = rv.do_rsvp(db_app, "talk", rv.Contact("Mallory", "ann@example.org"), actor="web")
    assert forged.display_name == "Mallory"  # Ann's name is not shown back
    assert forged.token and rv.rsvp_by_token(db_app, "talk", forged.token).display_name == "Mallory"
    with db_app.reading() as s:
        ann = s.scalars(select(Person).where(Person.display_name == "Ann Real")).one()
        assert ann.consent_contact is True  # her answer stands
        talkers = s.scalars(
            select(Rsvp.person_id)
            .join(Event, Event.id == Rsvp.event_id)
            .where(Event.slug == "talk")
        ).all()
    assert ann.id not in talkers  # nobody can say Ann is coming
