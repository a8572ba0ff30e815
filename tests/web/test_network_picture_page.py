"""The Network page's picture and its exports, on both databases.

Names, roles and seeds are personal data: an admin sees everyone, an
organiser the people of their town, anyone else anonymous dots and counts
of 10 or more. The exports are for organisers only and audited.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import networkx as nx
import pytest
from auth_helpers import PASSWORD, sign_in
from fastapi import FastAPI
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user
from groundswell.actions.demo import do_build_demo
from groundswell.actions.network_picture import network_picture
from groundswell.app import App
from groundswell.network.picture import OTHER
from groundswell.store.models import AuditEvent, Person
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
TOWN = "Morecambe"
ACCOUNTS = {
    "admin": ("net-admin@example.org", "admin", "*"),
    "organiser": ("net-organiser@example.org", "organiser", f"town:{TOWN}"),
    "participant": ("net-participant@example.org", "participant", "*"),
}


def movement(gs: App, people: int) -> FastAPI:
    do_build_demo(gs, seed=3, people=people)
    for email, role, scope in ACCOUNTS.values():
        do_create_user(gs, email=email, display_name=role.title(), password=PASSWORD,
                       role=role, scope=scope)  # fmt: skip
    return create_app(gs)


async def client(web: FastAPI, who: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        if who != "anonymous":
            assert (await sign_in(c, ACCOUNTS[who][0])).status_code == 303
        yield c


async def get(web: FastAPI, who: str, url: str) -> httpx.Response:
    async for c in client(web, who):
        return await c.get(url)
    raise AssertionError("no client")


def svg_of(html: str) -> str:
    return html.split('class="gs-net-picture">', 1)[1].split("</svg>", 1)[0]


def names(gs: App, town: str | None = None) -> set[str]:
    query = select(Person.display_name).where(Person.display_name.is_not(None))
    if town:
        query = query.where(Person.town == town)
    with gs.reading() as session:
        return {n for n in session.scalars(query) if n and len(n) > 3}


async def test_people_named_by_scope_roles_shaped_seeds_ringed(db_app: App):
    web = movement(db_app, 300)
    anonymous = await get(web, "anonymous", "/network")
    assert anonymous.status_code == 200
    html = anonymous.text
    assert "Coming next" not in html and " style=" not in html
    svg = svg_of(html)
    small = int((network_picture(db_app).groups == OTHER).sum())
    assert small > 0  # pairs and lone people: communities under 10
    # Their people are not drawn, so no small group can be counted from the dots.
    assert svg.count('class="gs-net-focus"') == 300 - small and "<line" in svg
    assert "People in communities of fewer than 10 are not drawn" in html
    assert "<a href" not in svg and 'id="people-table"' not in html
    assert not any(name in html for name in names(db_app))
    for cell in re.findall(r'numeric">(\d+)</td>', html.split('id="communities-table"')[1]):
        assert int(cell) >= 10  # no count under 10 to someone who may not see names

    admin = await get(web, "admin", "/network?seeds=target")
    assert admin.status_code == 200
    svg = svg_of(admin.text)
    assert svg.count('<a href="#person-') == 300
    assert "People in communities of fewer than 10 are not drawn" not in admin.text
    assert 'stroke-width="2"/>' in svg  # a seed's ring
    assert "<rect" in svg or "<polygon" in svg  # a role's shape
    assert re.search(r"<title>[^<]+, community \d+, (organiser|mobiliser|connector)", svg)
    assert ", a seed</title>" in svg
    table = admin.text.split('id="people-table"')[1]
    assert table.count('<tr class="nhsuk-table__row" id="person-') == 300
    # Seeds already worked out are shown to the next viewer without asking again.
    again = await get(web, "admin", "/network")
    assert ", a seed</title>" in svg_of(again.text)

    organiser = await get(web, "organiser", "/network")
    table = organiser.text.split('id="people-table"')[1]
    with db_app.reading() as session:
        in_town = session.scalar(select(func.count()).where(Person.town == TOWN))
    assert table.count('id="person-') == in_town
    outside = names(db_app) - names(db_app, TOWN)
    assert not any(name in organiser.text for name in outside)
    with db_app.reading() as session:
        audited = session.scalar(select(func.count()).where(AuditEvent.action == "network.picture"))
    assert audited == 3


async def test_communities_open_one_and_choose_kinds_of_tie(db_app: App):
    web = movement(db_app, 800)
    html = (await get(web, "anonymous", "/network")).text
    assert "The movement&#39;s communities" in html or "The movement's communities" in html
    svg = svg_of(html)
    opened = re.findall(r'<a href="/network\?community=(\d+)">', svg)
    pic = network_picture(db_app)
    assert len(opened) == sum(1 for c in pic.overview.nodes.tolist() if c != OTHER)
    assert "community=other" not in svg  # the small ones stay closed to them
    page = await get(web, "anonymous", f"/network?community={opened[0]}")
    assert page.status_code == 200 and "person by person" in page.text
    assert "Back to all communities" in page.text
    assert (await get(web, "anonymous", "/network?community=other")).status_code in (403, 404)
    assert (await get(web, "anonymous", "/network?community=9999")).status_code == 404
    assert (await get(web, "anonymous", "/network?community=x")).status_code == 422
    bad = await get(web, "anonymous", "/network?tie_kind=nope")
    assert bad.status_code == 422 and "nope" in bad.text
    kind = _kinds(db_app)[0]  # the commonest kind: communities of 10 and more
    one = await get(web, "anonymous", f"/network?tie_kind={kind}")
    assert one.status_code == 200 and f'value="{kind}" checked' in one.text
    assert f'<a href="/network?tie_kind={kind}&amp;community=' in svg_of(one.text)


async def test_seeds_are_of_the_picture_shown_though_a_write_comes_between(
    db_app: App, monkeypatch: pytest.MonkeyPatch
):
    import groundswell.actions.seeds as seeds_action
    import groundswell.web.routes.network_picture as route

    web = movement(db_app, 300)
    drawn: list[Any] = []
    chosen_on: list[Any] = []

    def picture_then_a_write(gs: App, kinds: Any = None) -> Any:
        pic = network_picture(gs, kinds)
        drawn.append(pic)
        with gs.transaction() as session:  # someone joins while the page is drawn
            session.add(Person(ref="p-late", display_name="Late", town=TOWN))
        return pic

    choose = seeds_action._choose

    def recording(graph: Any, *args: Any, **kw: Any) -> Any:
        chosen_on.append(graph)
        return choose(graph, *args, **kw)

    monkeypatch.setattr(route, "network_picture", picture_then_a_write)
    monkeypatch.setattr(seeds_action, "_choose", recording)
    page = await get(web, "admin", "/network?seeds=target")
    assert page.status_code == 200 and ", a seed</title>" in svg_of(page.text)
    assert len(chosen_on) == 1 and chosen_on[0] is drawn[0].graph


def _kinds(gs: App) -> list[str]:
    from groundswell.store.graph import tie_kind_counts

    counts = tie_kind_counts(gs)
    return sorted(counts, key=lambda k: -counts[k])


async def test_exports_for_organisers_only_audited_and_readable(db_app: App):
    web = movement(db_app, 300)
    for who in ("anonymous", "participant"):
        r = await get(web, who, "/network/export.graphml")
        assert r.status_code in (303, 401, 403)
    assert (await get(web, "admin", "/network/export.csv")).status_code == 422
    graphml = await get(web, "admin", "/network/export.graphml")
    assert graphml.status_code == 200 and "attachment" in graphml.headers["content-disposition"]
    g = nx.read_graphml(io.BytesIO(graphml.content))
    assert g.number_of_nodes() == 300
    node = next(iter(g.nodes(data=True)))[1]
    assert {"community", "role", "seed"} <= set(node)
    gexf = await get(web, "organiser", "/network/export.gexf")
    h = nx.read_gexf(io.BytesIO(gexf.content))
    with db_app.reading() as session:
        in_town = session.scalar(select(func.count()).where(Person.town == TOWN))
        exports = session.scalar(select(func.count()).where(AuditEvent.action == "network.export"))
    assert h.number_of_nodes() == in_town and exports == 2
    assert not any(name in gexf.text for name in names(db_app))
