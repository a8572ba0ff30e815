"""The network picture of the store, and what each viewer sees on it, on both databases."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from groundswell.actions.demo import do_build_demo
from groundswell.actions.network_picture import default_seeds, network_picture
from groundswell.actions.network_view import picture_view
from groundswell.app import App
from groundswell.auth.permissions import Grant, Principal, Role
from groundswell.errors import InvalidInput, NotFound, PermissionDenied
from groundswell.network.picture import OTHER
from groundswell.store.models import AuditEvent, Person, Tie

ADMIN = Principal(1, "ada@example.org", "Ada", (Grant(Role.ADMIN, "*"),))
PARTICIPANT = Principal(2, "pat@example.org", "Pat", (Grant(Role.PARTICIPANT, "*"),))


def audits(gs: App) -> int:
    with gs.reading() as session:
        query = select(func.count()).where(AuditEvent.action == "network.picture")
        return int(session.scalar(query) or 0)


def test_small_movement_person_by_person_names_only_to_organisers(db_app: App):
    do_build_demo(db_app, seed=3, people=300)
    pic = network_picture(db_app)
    assert pic.overview.kind == "people" and pic.overview.nodes.size == 300
    assert network_picture(db_app) is pic  # cached while the data stays the same
    seeds = default_seeds(db_app)
    assert 0 < seeds.sum() < 300

    seen = picture_view(db_app, pic, ADMIN, seeds=seeds)
    named = [n for n in seen["nodes"] if n["name"]]
    assert len(named) == 300 and len(seen["people"]) == 300
    assert sum(n["seed"] for n in seen["nodes"]) == int(seeds.sum())
    with_role = [p for p in seen["people"] if p["role"]]
    assert with_role and len(with_role) == sum(r is not None for r in pic.roles)
    assert any("a seed" in n["name"] for n in named)
    assert audits(db_app) == 1

    for viewer in (None, PARTICIPANT):
        anonymous = picture_view(db_app, pic, viewer, seeds=seeds)
        assert anonymous["people"] == []
        assert not any(n["name"] or n["seed"] or n["role"] for n in anonymous["nodes"])
        for row in anonymous["communities"]:  # none under 10 on its own
            assert row["people"] is None or row["people"] >= 10
            assert row["seeds"] is None or row["seeds"] >= 10
    assert audits(db_app) == 1  # nobody named, nothing audited
    names = {name for (name,) in db_app_names(db_app)}
    text = repr(picture_view(db_app, pic, None, seeds=seeds))
    assert not any(name and name in text for name in names)


def db_app_names(gs: App) -> list[tuple[str | None]]:
    with gs.reading() as session:
        return [tuple(r) for r in session.execute(select(Person.display_name))]


def test_large_movement_communities_and_opening_one(db_app: App):
    do_build_demo(db_app, seed=3, people=800)
    pic = network_picture(db_app)
    assert pic.overview.kind == "communities"
    sizes = dict(zip(pic.overview.nodes.tolist(), pic.overview.sizes.tolist(), strict=True))
    assert sum(sizes.values()) == 800
    assert all(size >= 10 for c, size in sizes.items() if c != OTHER)
    view = picture_view(db_app, pic, None)
    assert [row["id"] for row in view["communities"]] == pic.overview.nodes.tolist()
    largest = max((c for c in sizes if c != OTHER), key=lambda c: sizes[c])
    opened = picture_view(db_app, pic, ADMIN, community=largest)
    assert opened["kind"] == "people" and len(opened["nodes"]) == sizes[largest]
    assert pic.opened(largest) is pic.opened(largest)  # laid out once
    with pytest.raises(NotFound):
        picture_view(db_app, pic, ADMIN, community=10_000)
    if OTHER in sizes:
        with pytest.raises(PermissionDenied):
            picture_view(db_app, pic, None, community=OTHER)


def test_a_write_draws_a_new_picture_and_kinds_of_tie_are_checked(db_app: App):
    do_build_demo(db_app, seed=3, people=300)
    pic = network_picture(db_app)
    with db_app.reading() as session:
        kind = session.scalars(select(Tie.kind).limit(1)).one()
    only = network_picture(db_app, [kind])
    assert only.tie_kinds == (kind,) and only.graph.m <= pic.graph.m
    with pytest.raises(InvalidInput, match="nope"):
        network_picture(db_app, ["nope"])
    with db_app.transaction() as session:
        tie = session.scalars(select(Tie).limit(1)).one()
        session.delete(tie)
    again = network_picture(db_app)
    assert again is not pic and again.graph.m == pic.graph.m - 1
    assert np.array_equal(again.pids, pic.pids)


def test_the_same_data_draws_the_same_picture(db_app: App):
    from groundswell.actions import network_picture as module

    do_build_demo(db_app, seed=3, people=800)
    first = network_picture(db_app)
    opened = first.opened(0)
    module._CACHE.clear()  # as a fresh server process would
    second = network_picture(db_app)
    assert second is not first
    assert np.array_equal(first.community, second.community)
    assert np.array_equal(first.overview.xy, second.overview.xy)
    assert np.array_equal(opened.xy, second.opened(0).xy)


def test_small_communities_left_out_of_the_people_for_viewers_who_may_not_see_them(
    db_app: App,
):
    do_build_demo(db_app, seed=3, people=300)
    pic = network_picture(db_app)
    small = int((pic.groups == OTHER).sum())
    assert small > 0  # the demo town has pairs and lone people
    seen = picture_view(db_app, pic, ADMIN)
    assert len(seen["nodes"]) == 300 and not seen["small_left_out"]
    for viewer in (None, PARTICIPANT):
        public = picture_view(db_app, pic, viewer)
        assert public["small_left_out"] and len(public["nodes"]) == 300 - small
        assert all(n["community"] != OTHER for n in public["nodes"])
        assert [r["id"] for r in public["communities"]][-1] == OTHER  # still counted, together
    assert pic.public() is pic.public()  # laid out once
