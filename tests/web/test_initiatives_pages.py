"""Initiative pages: portfolio, one initiative, organisers' forms with CSRF and permissions."""

from __future__ import annotations

import pytest
from auth_helpers import add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI

from groundswell.actions import initiatives as ia
from groundswell.app import App

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
