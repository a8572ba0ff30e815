"""Initiative pages: portfolio, one initiative, organisers' forms with CSRF and permissions."""

from __future__ import annotations

import re
from datetime import date

import pytest
from auth_helpers import add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.app import App
from groundswell.store.models import Initiative, Membership, Person
from groundswell.web import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def leeds(app: App, web: FastAPI) -> FastAPI:
    ia.do_create_initiative(app, slug="leeds-walk", name="Leeds walk", hand="grassroots",
                            power_mode="sharing", town="Leeds", purpose="Walk")  # fmt: skip
    ia.do_record_decision(app, "leeds-walk", what="Saturday route", by_whom="Walkers' group",
                          with_whom="Parks team", method="co_produced")  # fmt: skip
    add_users(app)
    return web


async def test_portfolio_and_detail_for_anyone(leeds: FastAPI) -> None:
    async for client in client_for(leeds, "anonymous"):
        page = await client.get("/initiatives")
        assert page.status_code == 200
        assert "<svg" in page.text and "style=" not in page.text
        assert "Leeds walk" in page.text and "Ceding" in page.text
        assert "Add an initiative" not in page.text
        one = await client.get("/initiatives/leeds-walk")
        assert one.status_code == 200
        assert "Saturday route" in one.text and "Co-produced" in one.text
        assert "shown to organisers" in one.text and "Log a decision" not in one.text
        assert (await client.get("/initiatives/nope")).status_code == 404


async def test_anonymous_cannot_post(leeds: FastAPI) -> None:
    async for client in client_for(leeds, "anonymous"):
        page = await client.get("/sign-in")  # a visitor's token: valid, but no permission
        token = csrf_from(page.text)
        data = {"csrf_token": token, "what": "x", "by_whom": "y", "method": "consultation"}
        answer = await client.post("/initiatives/leeds-walk/decisions", data=data)
        assert answer.status_code in (401, 403, 303)
        if answer.status_code == 303:
            assert "sign-in" in answer.headers["location"]
        again = await client.get("/initiatives/leeds-walk")
        assert ">x<" not in again.text


async def test_organiser_logs_changes_and_creates(leeds: FastAPI) -> None:
    async for client in client_for(leeds, "organiser"):
        page = await client.get("/initiatives/leeds-walk")
        assert "Log a decision" in page.text
        token = csrf_from(page.text)
        bad = await client.post("/initiatives/leeds-walk/decisions",
                                data={"csrf_token": token, "what": "", "by_whom": "Matron",
                                      "method": "consultation"})  # fmt: skip
        assert bad.status_code == 422 and "nhsuk-error-summary" in bad.text
        assert 'href="#what"' in bad.text
        ok = await client.post("/initiatives/leeds-walk/decisions",
                               data={"csrf_token": token, "what": "Bench colours",
                                     "by_whom": "Matron", "method": "consultation",
                                     "decided_on": "2025-02-03"})  # fmt: skip
        assert ok.status_code == 303
        moved = await client.post("/initiatives/leeds-walk/mode",
                                  data={"csrf_token": token, "to_mode": "ceding",
                                        "changed_on": "2025-03-01"})  # fmt: skip
        assert moved.status_code == 303
        after = await client.get("/initiatives/leeds-walk")
        assert "Bench colours" in after.text and "sharing to ceding" in after.text
        assert "2025-Q1" in (await client.get("/initiatives")).text
        # Outside the organiser's town: refused with an error, not created.
        away = await client.post("/initiatives",
                                 data={"csrf_token": token, "slug": "york-run", "name": "York",
                                       "hand": "system", "power_mode": "keeping",
                                       "town": "York"})  # fmt: skip
        assert away.status_code == 422
        made = await client.post("/initiatives",
                                 data={"csrf_token": token, "slug": "leeds-run", "name": "Run",
                                       "hand": "system", "power_mode": "keeping",
                                       "town": "Leeds"})  # fmt: skip
        assert made.status_code == 303 and made.headers["location"] == "/initiatives/leeds-run"
        no_csrf = await client.post("/initiatives/leeds-walk/mode", data={"to_mode": "keeping"})
        assert no_csrf.status_code == 403


async def test_finding_5_pledge_counts_on_an_initiative_page_are_suppressed(
    app: App, leeds: FastAPI
) -> None:
    from groundswell.store.models import Person

    with app.transaction() as s:
        people = [Person(ref=f"w{i}") for i in range(15)]
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
    pledges = [ia.do_pledge(app, pid, "Walk on Saturday", slug="leeds-walk") for pid in ids]
    for pledge in pledges[:12]:
        ia.do_share_pledge(app, pledge)  # 12 shared, 3 still made
    for pledge in pledges[:2]:
        ia.do_complete_pledge(app, pledge)  # 2 of them done: 10 shared
    async for client in client_for(leeds, "anonymous"):
        page = (await client.get("/initiatives/leeds-walk")).text
        # 3 made and 2 done are small; 10 shared would be 15 less them, so it is hidden too.
        assert ("suppressed (&lt;10) made, suppressed (secondary) shared, "
                "suppressed (&lt;10) done") in page  # fmt: skip
    for pledge in pledges[12:]:
        ia.do_share_pledge(app, pledge)  # 13 shared, 0 made, 2 done
    for pledge in pledges[2:12]:
        ia.do_complete_pledge(app, pledge)  # 3 shared, 12 done
    async for client in client_for(leeds, "anonymous"):
        page = (await client.get("/initiatives/leeds-walk")).text
        assert "suppressed (&lt;10) shared, suppressed (secondary) done" in page
    more = [ia.do_pledge(app, pid, "And Sunday", slug="leeds-walk") for pid in ids[:12]]
    for pledge in more:
        ia.do_share_pledge(app, pledge)  # 15 shared by 15 people, 12 done, 0 made
    async for client in client_for(leeds, "anonymous"):
        page = (await client.get("/initiatives/leeds-walk")).text
        # A hidden 0 protects no one: the others show.
        assert "suppressed (&lt;10) made, 15 shared, 12 done" in page


async def test_finding_no_empty_power_mode_chart(web: FastAPI, app: App) -> None:
    """Issue 15: /initiatives drew an empty chart with a lone "1" when nothing had shifted."""
    async for client in client_for(web, "anonymous"):
        page = (await client.get("/initiatives")).text
        assert 'id="shifts-title"' not in page and "No initiative has changed" in page
        ia.do_create_initiative(app, slug="leeds-walk", name="Leeds walk", hand="grassroots",
                                power_mode="keeping", town="Leeds")  # fmt: skip
        for day in ("2025-01-10", "2025-02-10", "2025-04-10"):
            to = "ceding" if day != "2025-02-10" else "sharing"
            ia.do_change_power_mode(app, "leeds-walk", to, changed_on=date.fromisoformat(day))
        page = (await client.get("/initiatives")).text
        chart = page[page.index("<svg", page.index('id="shifts-title"') - 400) :]
        chart = chart[: chart.index("</svg>")]
        # Whole, round ticks from 0 with a grid line each: 0 and 2 for two changes in Q1.
        assert re.findall(r">(\d+)</text>", chart) == ["0", "1", "2"]
        assert chart.count("<line") == 3 and "2025-Q1" in chart and "2025-Q2" in chart
        assert "No initiative has changed" not in page


@pytest.fixture
def crowd(db_app: App, add_people) -> FastAPI:
    """An initiative with 120 Leeds members and 30 from York, on each database."""
    add_people(db_app, [(f"L{i:03d}", "Leeds") for i in range(120)]
               + [(f"Y{i:03d}", "York") for i in range(30)])  # fmt: skip
    ia.do_create_initiative(db_app, slug="crowd", name="Crowd", hand="grassroots",
                            power_mode="sharing", town="Leeds")  # fmt: skip
    with db_app.reading() as s:
        crowd = s.scalar(select(Initiative.id).where(Initiative.slug == "crowd"))
        s.add_all(Membership(initiative_id=crowd, person_id=pid) for pid in s.scalars(
            select(Person.id).where(Person.ref.like("L%") | Person.ref.like("Y%"))))  # fmt: skip
        s.commit()
    add_users(db_app)
    return create_app(db_app)


async def test_finding_initiative_members_come_fifty_to_a_page(crowd: FastAPI) -> None:
    """Issue 15: an initiative page listed 641 names on a 26,000 px page."""
    async for client in client_for(crowd, "organiser"):  # town:Leeds: the 120, not York's 30
        seen: list[str] = []
        url = "/initiatives/crowd"
        for number in (1, 2, 3):
            page = (await client.get(url)).text
            names = re.findall(r"<li>(L\d{3}|Y\d{3}) \(member\)</li>", page)
            assert len(names) == (50 if number < 3 else 20)
            seen += names
            assert "of 120" in page and ("Next" in page) == (number < 3)
            assert ("Previous" in page) == (number > 1)
            found = re.search(r'href="(/initiatives/crowd\?page=\d+)#members"[^>]*>'
                              r'<span class="nhsuk-pagination__title">Next', page)  # fmt: skip
            url = found.group(1) if found else url
        assert sorted(seen) == [f"L{i:03d}" for i in range(120)]
        # Past the end or not a number: the nearest real page, never an error.
        assert "L119" in (await client.get("/initiatives/crowd?page=99")).text
        assert "L000" in (await client.get("/initiatives/crowd?page=x")).text
