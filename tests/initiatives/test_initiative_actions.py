"""Initiative actions on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import InitiativeModeChange, Person, Pledge


def test_create_change_mode_decide_and_portfolio(db_app: App) -> None:
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="grassroots",
                            power_mode="keeping", started_on=date(2024, 1, 5))  # fmt: skip
    ia.do_create_initiative(db_app, slug="ward", name="Ward", hand="system", power_mode="sharing")
    ia.do_change_power_mode(db_app, "walk", "ceding", changed_on=date(2024, 5, 1), note="led")
    ia.do_record_decision(db_app, "walk", what="Route", by_whom="Walkers", with_whom="Parks",
                          method="co_produced", decided_on=date(2024, 5, 2))  # fmt: skip
    ia.do_record_decision(db_app, "ward", what="Rota", by_whom="Matron", method="staff_decision")
    with db_app.reading() as s:
        changes = s.scalars(select(InitiativeModeChange).order_by(InitiativeModeChange.id)).all()
        p = ia.portfolio(s)
    assert (changes[0].from_mode, changes[0].to_mode) == (None, "keeping")
    assert (changes[2].from_mode, changes[2].to_mode) == ("keeping", "ceding")
    assert p.total == 2 and p.by_hand == {"grassroots": 1, "system": 1}
    assert p.by_mode == {"keeping": 0, "sharing": 1, "ceding": 1}
    assert p.grassroots_share == 0.5 and p.co_produced_share == 0.5
    assert p.shifts["2024-Q1"]["keeping"] == 1 and p.shifts["2024-Q2"]["ceding"] == 1


def test_refusals(db_app: App) -> None:
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    with pytest.raises(Conflict):
        ia.do_create_initiative(db_app, slug="walk", name="W", hand="system", power_mode="keeping")
    with pytest.raises(InvalidInput):
        ia.do_create_initiative(db_app, slug="Bad Slug", name="W", hand="system",
                                power_mode="keeping")  # fmt: skip
    with pytest.raises(InvalidInput):
        ia.do_change_power_mode(db_app, "walk", "grabbing")
    with pytest.raises(Conflict):
        ia.do_change_power_mode(db_app, "walk", "keeping")
    with pytest.raises(NotFound):
        ia.do_record_decision(db_app, "nope", what="x", by_whom="y", method="consultation")
    with pytest.raises(InvalidInput):
        ia.do_record_decision(db_app, "walk", what="", by_whom="y", method="consultation")


def test_pledge_moves_forward_only(db_app: App) -> None:
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    with db_app.transaction() as s:
        ann = Person(ref="p-ann")
        s.add(ann)
        s.flush()
        ann_id = ann.id
    pid = ia.do_pledge(db_app, ann_id, "Walk daily", slug="walk")
    with pytest.raises(Conflict):
        ia.do_complete_pledge(db_app, pid)  # no skipping the share
    ia.do_share_pledge(db_app, pid)
    with pytest.raises(Conflict):
        ia.do_share_pledge(db_app, pid)
    ia.do_complete_pledge(db_app, pid)
    with pytest.raises(Conflict):
        ia.do_share_pledge(db_app, pid)  # never back
    with db_app.reading() as s:
        p = s.get(Pledge, pid)
        assert p is not None and p.status == "done"
        assert p.shared_at is not None and p.done_at is not None and p.done_at >= p.shared_at
