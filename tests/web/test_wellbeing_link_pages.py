"""The survey by personal link, without an account, on SQLite and PostgreSQL; organisers' links."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from auth_helpers import BASE, add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select, update

from groundswell.actions.wellbeing_links import do_issue_links
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import AuditEvent, Instrument, Person, SurveyResponse, WellbeingLink
from groundswell.web import create_app
from groundswell.web.ratelimit import RateLimiter

pytestmark = pytest.mark.anyio
PLACEHOLDER = Path(__file__).parents[1] / "measures" / "data" / "swemwbs-wording-placeholder.toml"
ONS4 = {"ons4-satisfaction": "7", "ons4-worthwhile": "8", "ons4-happy": "6", "ons4-anxious": "2"}
SWEMWBS = {f"swemwbs-{i}": str(1 + i % 5) for i in range(1, 8)}
NOT_SET_UP = "The short Warwick-Edinburgh scale is not set up here"


def add_people(gs: App) -> None:
    with gs.transaction() as s:
        s.add_all(
            Person(ref=f"p{i}", town="Leeds" if i < 3 else "York", display_name=f"P{i}",
                   email=f"p{i}@example.org", consent_contact=True)
            for i in range(5)
        )  # fmt: skip


def with_wording(gs: App, path: Path | None) -> App:
    return replace(gs, settings=gs.settings.model_copy(update={"swemwbs_wording": path}))


@pytest.fixture(params=["configured", "unconfigured"])
def gs(db_app: App, request: pytest.FixtureRequest) -> App:
    add_people(db_app)
    return with_wording(db_app, PLACEHOLDER if request.param == "configured" else None)


async def visitor(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


@pytest.fixture
async def anon(gs: App) -> AsyncIterator[httpx.AsyncClient]:
    async for client in visitor(create_app(gs)):
        yield client


def stored(gs: App) -> dict[Instrument, list[int]]:
    with gs.reading() as s:
        rows = s.execute(
            select(SurveyResponse.instrument, SurveyResponse.answers, SurveyResponse.consent_at)
        ).all()
    assert all(r.consent_at is not None for r in rows)
    return {r.instrument: r.answers for r in rows}


async def test_answering_by_link_without_an_account(gs: App, anon: httpx.AsyncClient) -> None:
    configured = gs.settings.swemwbs_wording is not None
    token = do_issue_links(gs, actor="olu", town="York")[0].token
    start = await anon.get(f"/w/{token}")
    assert start.status_code == 200 and start.headers["cache-control"] == "no-store"
    assert "May we store your answers?" in start.text and "ask the organisers" in start.text
    csrf = csrf_from(start.text)
    unanswered = await anon.post(f"/w/{token}", data={"csrf_token": csrf})
    assert unanswered.status_code == 422 and 'href="#consent"' in unanswered.text
    questions = await anon.post(f"/w/{token}", data={"csrf_token": csrf, "consent": "yes"})
    assert questions.status_code == 200
    assert "Overall, how satisfied are you with your life nowadays?" in questions.text
    assert questions.text.count('<fieldset class="nhsuk-fieldset"') == (11 if configured else 4)
    if configured:
        assert "PLACEHOLDER statement seven" in questions.text and "Placeholder 2" in questions.text
        assert 'id="swemwbs-copyright">PLACEHOLDER copyright line' in questions.text
        assert NOT_SET_UP not in questions.text
    else:
        assert NOT_SET_UP in questions.text and "swemwbs-1" not in questions.text
        assert "copyright" not in questions.text
    answers = {"csrf_token": csrf, "consent": "yes", **ONS4, **SWEMWBS}
    missing = await anon.post(f"/w/{token}/answers", data={**answers, "ons4-happy": ""})
    assert missing.status_code == 422 and 'href="#ons4-happy"' in missing.text
    assert 'value="8" checked' in missing.text  # the answers given are kept
    assert stored(gs) == {}
    sent = await anon.post(f"/w/{token}/answers", data=answers)
    assert sent.status_code == 303 and sent.headers["location"] == f"/w/{token}/thanks"
    thanks = await anon.get(sent.headers["location"])
    assert "Your answers are saved" in thanks.text and "If you want them withdrawn" in thanks.text
    expected = {Instrument.ONS4: [7, 8, 6, 2]}
    if configured:
        expected[Instrument.SWEMWBS] = [2, 3, 4, 5, 1, 2, 3]
    assert stored(gs) == expected  # unconfigured: the SWEMWBS fields sent are ignored
    # Spent: every step says so and stores nothing more.
    changed = {**answers, "ons4-happy": "0"}
    again = [await anon.get(f"/w/{token}"), await anon.post(f"/w/{token}/answers", data=changed)]
    for response in again:
        assert response.status_code == 410 and "This link has been used" in response.text
    assert stored(gs) == expected


async def test_refused_consent_stores_nothing(gs: App, anon: httpx.AsyncClient) -> None:
    token = do_issue_links(gs, actor="olu", town="York")[0].token
    csrf = csrf_from((await anon.get(f"/w/{token}")).text)
    declined = await anon.post(f"/w/{token}", data={"csrf_token": csrf, "consent": "no"})
    assert declined.status_code == 200 and "Nothing was stored" in declined.text
    # Answers posted straight to the last step without the consent are refused too.
    forced = await anon.post(f"/w/{token}/answers", data={"csrf_token": csrf, **ONS4, **SWEMWBS})
    assert forced.status_code == 422 and "May we store your answers?" in forced.text
    assert stored(gs) == {}
    assert (await anon.get(f"/w/{token}/thanks")).headers["location"] == f"/w/{token}"


async def test_expired_and_unknown_links(gs: App, anon: httpx.AsyncClient) -> None:
    token = do_issue_links(gs, actor="olu", town="York")[0].token
    csrf = csrf_from((await anon.get(f"/w/{token}")).text)
    with gs.transaction() as s:
        s.execute(update(WellbeingLink).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    page = await anon.get(f"/w/{token}")
    assert page.status_code == 410 and "This link has expired" in page.text
    late = await anon.post(f"/w/{token}/answers", data={"csrf_token": csrf, "consent": "yes",
                                                        **ONS4, **SWEMWBS})  # fmt: skip
    assert late.status_code == 410 and stored(gs) == {}
    assert (await anon.get("/w/never-issued")).status_code == 404


async def test_csrf_and_rate_limit(gs: App) -> None:
    web = create_app(gs)
    limit = load_settings({}, submissions_per_minute=2)
    web.state.ratelimiter = RateLimiter.from_settings(limit, clock=lambda: 0.0)
    token = do_issue_links(gs, actor="olu", town="York")[0].token
    async for client in visitor(web):
        csrf = csrf_from((await client.get(f"/w/{token}")).text)
        forged = await client.post(f"/w/{token}/answers", data={"consent": "yes", **ONS4})
        assert forged.status_code == 403 and stored(gs) == {}
        tries = [await client.post(f"/w/{token}", data={"csrf_token": csrf, "consent": "no"})
                 for _ in range(4)]  # fmt: skip
        assert [t.status_code for t in tries] == [200, 200, 429, 429]


# --- organisers ---


@pytest.fixture
def org_web(gs: App) -> FastAPI:
    add_users(gs)
    return create_app(gs)


async def test_organisers_download_links_for_the_people_they_cover(
    gs: App, org_web: FastAPI
) -> None:
    async for client in client_for(org_web, "anonymous"):
        assert (await client.get("/measures/links")).status_code == 303  # sign in first
    async for client in client_for(org_web, "participant"):
        assert (await client.get("/measures/links")).status_code == 403
    async for client in client_for(org_web, "organiser"):  # town:Leeds
        page = await client.get("/measures/links")
        assert page.status_code == 200
        if gs.settings.swemwbs_wording is None:
            assert 'id="wording-missing"' in page.text and "is not set" in page.text
        else:
            assert 'id="wording-ready"' in page.text
        csrf = csrf_from(page.text)
        bad = await client.post("/measures/links", data={"csrf_token": csrf, "days": "lots"})
        assert bad.status_code == 422 and "whole number of days" in bad.text
        none = await client.post("/measures/links", data={"csrf_token": csrf, "town": "York"})
        assert none.status_code == 422 and "no links were made" in none.text
        got = await client.post("/measures/links", data={"csrf_token": csrf, "days": "14"})
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert [r["person"] for r in rows] == ["p0", "p1", "p2"]  # Leeds only: the scope
        assert rows[0]["link"].startswith(f"{gs.settings.base_url}/w/")
        token = rows[0]["link"].rsplit("/", 1)[1]
        assert (await client.get(f"/w/{token}")).status_code == 200
    with gs.reading() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "issue_wellbeing_links"))
        assert [(e.actor, e.detail["people"]) for e in audit] == [("olu@example.org", 3)]
