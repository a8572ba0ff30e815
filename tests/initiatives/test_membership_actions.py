"""Joining and leaving initiatives on SQLite and PostgreSQL: history kept, counts current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.actions.accounts import do_create_user, list_people, principal_of
from groundswell.actions.memberships import (
    do_join_initiative,
    do_leave_initiative,
    is_member,
    person_subject,
)
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, Membership, User


@pytest.fixture
def movement(db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]) -> App:
    add_people(db_app, [(f"p{i}", "Leeds") for i in range(12)] + [("y1", "York")])
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="grassroots",
                            power_mode="sharing")  # fmt: skip
    return db_app


def test_join_leave_and_rejoin_keep_one_row_with_its_history(movement: App) -> None:
    joined = do_join_initiative(movement, "walk", "p1", on=date(2026, 1, 5), actor="pat@x.org")
    assert (joined.role, joined.joined_on, joined.left_on) == ("member", date(2026, 1, 5), None)
    assert is_member(movement, "walk", "p1")
    with pytest.raises(Conflict, match="already a member"):
        do_join_initiative(movement, "walk", "p1")
    left = do_leave_initiative(movement, "walk", "p1", on=date(2026, 2, 1))
    assert left.left_on == date(2026, 2, 1) and not is_member(movement, "walk", "p1")
    with movement.reading() as s:
        row = s.scalars(select(Membership)).one()
    assert (row.joined_on, row.left_on) == (date(2026, 1, 5), date(2026, 2, 1))
    with pytest.raises(NotFound, match="not a member"):
        do_leave_initiative(movement, "walk", "p1")
    again = do_join_initiative(movement, "walk", "p1", role="host", on=date(2026, 3, 1))
    assert (again.role, again.joined_on) == ("host", date(2026, 3, 1))
    with movement.reading() as s:
        assert s.scalars(select(Membership)).one().left_on is None
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("initiatives.%")).order_by(AuditEvent.id)).all()  # fmt: skip
    assert actions == ["initiatives.join", "initiatives.leave", "initiatives.join"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda a: do_join_initiative(a, "nope", "p1"), NotFound),
        (lambda a: do_join_initiative(a, "walk", "nobody"), NotFound),
        (lambda a: do_join_initiative(a, "walk", "p1", role="boss"), InvalidInput),
        (lambda a: do_leave_initiative(a, "walk", "p2"), NotFound),
    ],
)
def test_refusals_write_nothing(movement: App, call: Callable[[App], object], error: type) -> None:
    with pytest.raises(error):
        call(movement)
    with movement.reading() as s:
        assert s.scalars(select(Membership)).all() == []


def test_leaving_before_joining_is_refused(movement: App) -> None:
    do_join_initiative(movement, "walk", "p1", on=date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="before they joined"):
        do_leave_initiative(movement, "walk", "p1", on=date(2026, 2, 1))
    assert is_member(movement, "walk", "p1")


def test_counts_and_scopes_use_current_members(movement: App) -> None:
    for i in range(12):
        do_join_initiative(movement, "walk", f"p{i}")
    do_join_initiative(movement, "walk", "y1")
    with movement.reading() as s:
        iid = ia._initiative(s, "walk").id
        assert ia.member_counts(s)[iid].value == 13
    do_leave_initiative(movement, "walk", "p0")
    do_leave_initiative(movement, "walk", "y1")
    with movement.reading() as s:
        assert ia.member_counts(s)[iid].value == 11
    # An initiative's organiser sees its current members only.
    do_create_user(movement, email="org@example.org", display_name="Org", role="organiser",
                   password="three random words", scope="initiative:walk")  # fmt: skip
    with movement.reading() as s:
        user = s.scalars(select(User)).one()
        principal = principal_of(user)
    seen = {p["ref"] for p in list_people(movement, principal)}
    assert seen == {f"p{i}" for i in range(1, 12)}
    subject = person_subject(movement, "p1")
    assert subject is not None and subject.initiatives == frozenset({"walk"})
    left = person_subject(movement, "y1")
    assert left is not None and left.initiatives == frozenset()
    assert person_subject(movement, "nobody") is None


def test_the_dashboard_counts_current_members(movement: App) -> None:
    from groundswell.actions.health_dashboard import dashboard

    for i in range(11):
        do_join_initiative(movement, "walk", f"p{i}")
    with movement.reading() as s:
        row = dashboard(s).initiatives
    assert [r["members"].value for r in row if r["initiatives"]] == [11]
    do_leave_initiative(movement, "walk", "p0")
    do_leave_initiative(movement, "walk", "p1")
    with movement.reading() as s:
        row = dashboard(s).initiatives
    # 9 current members: under 10, so hidden; the two who left no longer count.
    assert [r["members"].suppressed for r in row if r["initiatives"]] == [True]
