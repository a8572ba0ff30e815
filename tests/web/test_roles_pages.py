"""The Leadership page (/roles): roles with reasons, the picture, indicators, unreached communities.

One small demo movement (1,500 people) serves the module; people's roles are
personal data, so the people tables need an organiser or admin.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from auth_helpers import FAST, PASSWORD, sign_in
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.actions import roles_report as roles_route
from groundswell.actions.accounts import do_create_user
from groundswell.actions.demo import do_build_demo
from groundswell.app import App
from groundswell.auth import passwords
from groundswell.settings import load_settings
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
TOWN = "Morecambe"
ACCOUNTS = {
    "admin": ("ada@example.org", "admin", "*"),
    "organiser": ("lan@example.org", "organiser", f"town:{TOWN}"),
    "participant": ("pat@example.org", "participant", "*"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    folder: Path = tmp_path_factory.mktemp("roles-demo")
    gs = App.build(load_settings({}, data_dir=folder, database_url=f"sqlite:///{folder / 'gs.db'}"))
    gs.upgrade()
    do_build_demo(gs, seed=3, people=1500)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_HASHER", FAST)
        for email, role, scope in ACCOUNTS.values():
            do_create_user(gs, email=email, display_name=role.title(), password=PASSWORD,
                           role=role, scope=scope)  # fmt: skip
    yield gs
    gs.close()


@pytest.fixture(scope="module")
def demo_web(demo: App) -> FastAPI:
    return create_app(demo)


async def _client(web: FastAPI, who: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        if who != "anonymous":
            response = await sign_in(client, ACCOUNTS[who][0])
            assert response.status_code == 303, response.text
        yield client


@pytest.fixture
async def admin(demo_web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(demo_web, "admin"):
        yield client


def _no_inline_code(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"


async def test_anonymous_visitors_see_aggregates_only(demo_web: FastAPI, demo: App) -> None:
    async for client in _client(demo_web, "anonymous"):
        r = await client.get("/roles")
    assert r.status_code == 200, r.text
    html = r.text
    _no_inline_code(html)
    assert "<h1>Leadership</h1>" in html and "Computed in" in html
    c = roles_route.roles_report(demo)
    for role in ("organiser", "mobiliser", "connector", "lone_wolf"):
        shown = re.search(rf'data-role-count="{role}">([\d,]+)<', html)
        assert shown and int(shown.group(1).replace(",", "")) == int(c.result.holds[role].sum())
    assert 'id="indicator-table"' in html and 'id="indicator-distributed_leadership"' in html
    assert 'id="unreached"' in html and "data-unreached=" in html
    # No one's role: no people tables, no picture, no labels of people.
    assert 'id="role-organiser"' not in html and 'id="picture"' not in html
    assert "demo-0" not in html
    assert 'href="/sign-in?next=/roles"' in html


async def test_people_by_role_with_reasons_and_the_picture(admin: httpx.AsyncClient) -> None:
    r = await admin.get("/roles")
    assert r.status_code == 200, r.text
    html = r.text
    _no_inline_code(html)
    for role in ("organiser", "mobiliser", "connector"):
        assert f'id="role-{role}"' in html
    assert "Brought in" in html  # an organiser's reason
    assert "Called" in html  # a mobiliser's reason
    assert "Links community #" in html  # a connector's reason
    picture = html.split('id="picture"')[1]
    svg = picture.split('class="gs-figure">', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and svg.count("<circle") >= 20 and "<line" in svg
    assert "#0072B2" in svg  # organisers' colour
    assert re.search(r"<title>demo-\d+: organiser", svg)
    assert 'id="picture-table"' in html and "Organisers:" in picture


async def test_filter_by_role_and_pages(admin: httpx.AsyncClient, demo: App) -> None:
    c = roles_route.roles_report(demo)
    held = int(c.result.holds["connector"].sum())
    r = await admin.get("/roles", params={"role": "connector"})
    assert r.status_code == 200
    assert 'id="role-connector"' in r.text and 'id="role-organiser"' not in r.text
    assert '<option value="connector" selected>' in r.text
    rows = r.text.split('id="role-connector"')[1].split("</table>")[0].count('scope="row"')
    assert rows == min(held, roles_route.PER_PAGE)
    if held > roles_route.PER_PAGE:
        second = await admin.get("/roles", params={"role": "connector", "page": "2"})
        assert "page 2 of" in second.text and "Previous" in second.text
    junk = await admin.get("/roles", params={"role": "nonsense", "page": "x"})
    assert junk.status_code == 200 and 'id="role-organiser"' in junk.text


async def test_an_organiser_sees_only_their_town(demo_web: FastAPI) -> None:
    async for client in _client(demo_web, "organiser"):
        r = await client.get("/roles", params={"role": "mobiliser"})
    assert r.status_code == 200
    assert "You see the people in your scope only" in r.text
    table = r.text.split('id="role-mobiliser"')[1].split("</table>")[0]
    towns = re.findall(
        r'<td class="nhsuk-table__cell">([^<]*)</td>\s*<td class="nhsuk-table__cell">', table
    )
    assert towns and set(towns) == {TOWN}
    assert "Outside your scope" in r.text


async def test_a_participant_is_told_they_have_no_access(demo_web: FastAPI) -> None:
    async for client in _client(demo_web, "participant"):
        r = await client.get("/roles")
    assert r.status_code == 200
    assert "Your account does not have access" in r.text and 'id="role-organiser"' not in r.text


async def test_indicators_match_the_engine(admin: httpx.AsyncClient, demo: App) -> None:
    c = roles_route.roles_report(demo)
    html = (await admin.get("/roles")).text
    table = html.split('id="indicator-table"')[1].split("</table>")[0]
    periods = c.indicators["within_2_steps"]["over_time"]
    assert table.count('scope="row"') == len(periods) + 1  # each quarter and the whole record
    assert f">{periods[-1]['period']}<" in table
    latest = periods[-1]["value"]
    shown = re.search(r'data-latest="within_2_steps">(\d+)%<', html)
    assert shown and int(shown.group(1)) == round(100 * latest)
    depth = re.search(r'data-latest="recruitment_depth">(\d+)<', html)
    assert (
        depth and int(depth.group(1)) == c.indicators["recruitment_depth"]["over_time"][-1]["value"]
    )


async def test_the_result_is_cached_until_the_data_changes(
    admin: httpx.AsyncClient, demo: App
) -> None:
    from groundswell.store.models import Person

    first = roles_route.roles_report(demo)
    await admin.get("/roles")
    assert roles_route.roles_report(demo) is first
    with demo.transaction() as session:
        session.add(Person(ref="newcomer-1", town=TOWN))
    again = roles_route.roles_report(demo)
    assert again is not first and again.n == first.n + 1
    assert again.alone == first.alone + 1  # no ties and no activity yet


async def test_unreached_communities_are_listed(tmp_path: Path) -> None:
    """Two groups of friends, one active: the other is the unreached community."""
    from datetime import date

    from groundswell.store.models import Event, Person, Tie

    gs = App.build(
        load_settings({}, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'gs.db'}")
    )
    gs.upgrade()
    with gs.transaction() as session:
        people = [Person(ref=f"p{i}", town="Kendal" if i < 5 else "Ulverston") for i in range(10)]
        session.add_all(people)
        session.flush()
        for group in (people[:5], people[5:]):
            session.add_all(
                Tie(source_id=a.id, target_id=b.id) for a in group for b in group if a.id < b.id
            )
        session.add(Event(title="walk", led_by_id=people[0].id, held_on=date(2025, 3, 1)))
    async for client in _client(create_app(gs), "anonymous"):
        html = (await client.get("/roles")).text
    gs.close()
    table = html.split('id="unreached-table"')[1].split("</table>")[0]
    assert "Ulverston (5)" in table and "Kendal" not in table
    assert 'data-unreached="1"' in html


async def test_an_empty_database(app: App) -> None:
    async for client in _client(create_app(app), "anonymous"):
        r = await client.get("/roles")
    assert r.status_code == 200 and "There are no people in the database yet" in r.text


async def test_the_network_page_links_here(admin: httpx.AsyncClient) -> None:
    assert 'href="/roles"' in (await admin.get("/network")).text


async def test_finding_7_the_role_tables_leave_one_audit_row_per_view(
    demo_web: FastAPI, demo: App
) -> None:
    from sqlalchemy import select

    from groundswell.store.models import AuditEvent

    def seen() -> list[tuple[str, str]]:
        with demo.reading() as s:
            found = s.execute(select(AuditEvent.actor, AuditEvent.action)
                              .where(AuditEvent.action == "roles.tables")).all()  # fmt: skip
            return [tuple(r) for r in found]

    before = len(seen())
    async for organiser in _client(demo_web, "organiser"):
        assert (await organiser.get("/roles")).status_code == 200
    assert seen()[before:] == [("lan@example.org", "roles.tables")]


async def test_a_renamed_person_shows_their_new_name_at_once(demo: App, tmp_path: Path) -> None:
    """``import people --update`` changes no row count: the page still shows the new name."""
    from groundswell.actions.imports import do_import_people
    from groundswell.store.models import Person

    report = roles_route.roles_report(demo)
    assert report.result is not None
    held = np.flatnonzero(report.result.holds["organiser"])
    holder = int(held[np.argmax(report.result.scores["organiser"][held])])  # first on page 1
    ref = report.labels[holder]
    with demo.reading() as session:
        old = session.scalar(select(Person.display_name).where(Person.ref == ref))
    sheet = tmp_path / "people.csv"
    sheet.write_text(f"id,display_name\n{ref},Renamed Organiser\n", encoding="utf-8")
    do_import_people(demo, sheet, update=True)
    try:
        # A web app of its own: its sign-in limit is not shared with the other tests here.
        async for admin in _client(create_app(demo), "admin"):
            html = (await admin.get("/roles?role=organiser&page=1")).text
        assert "Renamed Organiser" in html
        assert old is None or old not in html
    finally:
        sheet.write_text(f"id,display_name\n{ref},{old or ''}\n", encoding="utf-8")
        do_import_people(demo, sheet, update=True)
