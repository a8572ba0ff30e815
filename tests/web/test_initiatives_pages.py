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
