"""``groundswell pledges ...`` and ``groundswell initiatives join|leave`` on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import func, select

from groundswell.actions import initiatives as ia
from groundswell.app import App
from groundswell.store.models import Membership, Pledge


def _pledges(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Pledge)) or 0)


def test_pledges_make_share_done_list(
    db_app: App, add_people: Callable[..., None], cli: Callable[..., Callable[..., object]]
) -> None:
    add_people(db_app, [("p1", "Leeds")])
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    run = cli(db_app)
    made = run("pledges", "make", "p1", "Walk to work", "--initiative", "walk", "--json")
    assert made.code == 0, made.err
    pledge = json.loads(made.out)
    assert (pledge["person"], pledge["status"], pledge["initiative"]) == ("p1", "made", "walk")
    early = run("pledges", "done", str(pledge["id"]))
    assert early.code == 5 and "only a shared pledge" in early.err
    assert run("pledges", "share", str(pledge["id"])).code == 0
    done = run("pledges", "done", str(pledge["id"]), "--json")
    assert json.loads(done.out)["status"] == "done"
    listed = run("pledges", "list", "--person", "p1", "--json")
    assert [p["id"] for p in json.loads(listed.out)] == [pledge["id"]]
    plain = run("pledges", "list")
    assert plain.out.split()[:3] == [str(pledge["id"]), "p1", "done"]
    assert "Walk to work [walk]" in plain.out


def test_refused_pledges_exit_non_zero_and_write_nothing(
    db_app: App, add_people: Callable[..., None], cli: Callable[..., Callable[..., object]]
) -> None:
    add_people(db_app, [("p1", "Leeds")])
    run = cli(db_app)
    unknown = run("pledges", "make", "nobody", "x")
    assert unknown.code == 4 and "'nobody' is not a person" in unknown.err
    campaign = run("pledges", "make", "p1", "x", "--campaign", "nope")
    assert campaign.code == 4 and "no campaign 'nope'" in campaign.err
    assert run("pledges", "make", "p1", "").code == 3
    assert _pledges(db_app) == 0


def test_initiatives_join_and_leave(
    db_app: App, add_people: Callable[..., None], cli: Callable[..., Callable[..., object]]
) -> None:
    add_people(db_app, [("p1", "Leeds")])
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    run = cli(db_app)
    joined = run("initiatives", "join", "walk", "p1", "--on", "2026-01-05", "--json")
    assert json.loads(joined.out)["joined_on"] == "2026-01-05"
    assert run("initiatives", "join", "walk", "p1").code == 5
    bad_day = run("initiatives", "leave", "walk", "p1", "--on", "soon")
    assert bad_day.code == 3 and "YYYY-MM-DD" in bad_day.err
    left = run("initiatives", "leave", "walk", "p1", "--on", "2026-02-01")
    assert left.code == 0 and left.out.strip() == "p1 left walk."
    assert run("initiatives", "leave", "walk", "p1").code == 4
    assert run("initiatives", "join", "nope", "p1").code == 4
    with db_app.reading() as s:
        row = s.scalars(select(Membership)).one()
    assert str(row.left_on) == "2026-02-01"
