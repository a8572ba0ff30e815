"""Pledge actions on SQLite and PostgreSQL: make, share, done, list, counts by month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from groundswell.actions import initiatives as ia
from groundswell.actions import pledges as pa
from groundswell.actions.campaigns import do_create_campaign
from groundswell.app import App
from groundswell.auth.permissions import EVERYWHERE, Scopes
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, Pledge


@pytest.fixture
def movement(db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]) -> App:
    add_people(db_app, [("p1", "Leeds"), ("p2", "York")])
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="grassroots",
                            power_mode="sharing")  # fmt: skip
    do_create_campaign(db_app, slug="mile", name="A mile a day", unit="miles",
                       starts_on=date(2026, 1, 1))  # fmt: skip
    return db_app


def _count(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Pledge)) or 0)


def test_make_share_done_with_initiative_and_campaign(movement: App) -> None:
    made = pa.do_make_pledge(movement, person="p1", text=" Walk to work ", initiative="walk",
                             campaign="mile", actor="olu@example.org")  # fmt: skip
    assert (made.person, made.text, made.status) == ("p1", "Walk to work", "made")
    assert (made.initiative, made.campaign) == ("walk", "mile")
    shared = pa.do_share_pledge(movement, made.id, person="p1")
    assert shared.status == "shared" and shared.shared_at is not None
    done = pa.do_complete_pledge(movement, made.id, person="p1")
    assert done.status == "done" and done.done_at is not None and done.done_at >= done.made_at
    with movement.reading() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "pledges.make")).one()
    assert (audit.actor, audit.subject_id, audit.detail) == ("olu@example.org", str(made.id),
                                                             {"person": "p1"})  # fmt: skip


def test_steps_are_in_order_and_only_the_owners(movement: App) -> None:
    made = pa.do_make_pledge(movement, person="p1", text="Cook with a neighbour")
    with pytest.raises(Conflict, match="only a shared pledge can become done"):
        pa.do_complete_pledge(movement, made.id)
    with pytest.raises(NotFound, match="of yours"):
        pa.do_share_pledge(movement, made.id, person="p2")
    assert pa.get_pledge(movement, made.id).status == "made"
    pa.do_share_pledge(movement, made.id)
    with pytest.raises(Conflict):
        pa.do_share_pledge(movement, made.id)
    with pytest.raises(NotFound):
        pa.do_share_pledge(movement, 999_999)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"person": "nobody", "text": "x"}, NotFound, "not a person"),
        ({"person": "p1", "text": "x", "initiative": "nope"}, NotFound, "no initiative"),
        ({"person": "p1", "text": "x", "campaign": "nope"}, NotFound, "no campaign"),
        ({"person": "p1", "text": "   "}, InvalidInput, "enter the pledge"),
        ({"person": "p1", "text": "x" * 281}, InvalidInput, "280 characters"),
    ],
)
def test_refused_pledges_write_nothing(
    movement: App, kwargs: dict[str, str], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        pa.do_make_pledge(movement, **kwargs)
    assert _count(movement) == 0


def test_list_is_newest_first_per_person_and_audited(movement: App) -> None:
    first = pa.do_make_pledge(movement, person="p1", text="one")
    second = pa.do_make_pledge(movement, person="p1", text="two")
    pa.do_make_pledge(movement, person="p2", text="three")
    mine = pa.list_pledges(movement, person="p1", actor="pat@example.org")
    assert [p.id for p in mine] == [second.id, first.id]
    assert len(pa.list_pledges(movement)) == 3
    with pytest.raises(NotFound):
        pa.list_pledges(movement, person="nobody")
    with movement.reading() as s:
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "pledges.list")).all()
    assert (reads[0].actor, reads[0].subject_id) == ("pat@example.org", "p1")


def test_shared_pledge_is_public_only_once_shared(movement: App) -> None:
    made = pa.do_make_pledge(movement, person="p1", text="Join the walk")
    with pytest.raises(NotFound):
        pa.shared_pledge(movement, made.id)
    pa.do_share_pledge(movement, made.id)
    assert pa.shared_pledge(movement, made.id).text == "Join the walk"


def test_counts_by_month_follow_each_step_and_the_scope(movement: App) -> None:
    ids = [pa.do_make_pledge(movement, person=p, text=t).id
           for p, t in (("p1", "a"), ("p1", "b"), ("p2", "c"))]  # fmt: skip
    pa.do_share_pledge(movement, ids[0])
    pa.do_complete_pledge(movement, ids[0])
    pa.do_share_pledge(movement, ids[2])
    with movement.transaction() as s:  # made in March; the steps dated in April
        s.execute(update(Pledge).values(made_at=datetime(2026, 3, 5, tzinfo=UTC)))
        s.execute(update(Pledge).where(Pledge.shared_at.is_not(None))
                  .values(shared_at=datetime(2026, 4, 1, tzinfo=UTC)))  # fmt: skip
        s.execute(update(Pledge).where(Pledge.done_at.is_not(None))
                  .values(done_at=datetime(2026, 4, 2, tzinfo=UTC)))  # fmt: skip
    counts = pa.pledges_by_month(movement, EVERYWHERE)
    assert [(m.month, m.made, m.shared, m.kept) for m in counts.months] == [
        ("2026-03", 3, 0, 0),
        ("2026-04", 0, 2, 1),
    ]
    assert (counts.made, counts.shared, counts.kept) == (3, 2, 1)
    assert counts.kept_share == pytest.approx(1 / 3)
    # Shown to the public every count here is under 10: hidden.
    assert all(c.suppressed for c in counts.public().values())
    leeds = pa.pledges_by_month(movement, Scopes(towns=frozenset({"leeds"})))
    assert (leeds.made, leeds.shared, leeds.kept) == (2, 1, 1)
    assert pa.pledges_by_month(movement, Scopes()).made == 0
