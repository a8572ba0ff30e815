"""The Measures dashboard (filters, charts with tables, CSV, print) and the wellbeing survey."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from auth_helpers import USERS, add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select
from towns_movement import BIG, SMALL, add_towns

from groundswell.actions.accounts import do_link_person
from groundswell.app import App
from groundswell.measures import instruments as ins
from groundswell.store.models import Instrument, Person, SurveyResponse
from groundswell.web import create_app
from groundswell.web import measures_queries as mq

pytestmark = pytest.mark.anyio
PAT = USERS["participant"][0]


@pytest.fixture
def towns(app: App) -> FastAPI:
    add_towns(app)
    add_users(app)
    do_link_person(app, email=PAT, person="big00")
    return create_app(app)


@pytest.fixture
async def anon(towns: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(towns, "anonymous"):
        yield client


@pytest.fixture
async def pat(towns: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(towns, "participant"):
        yield client


async def test_dashboard_shows_each_indicator_with_chart_and_table(anon):
    page = (await anon.get("/measures")).text
    for key in ("participants", "active", "growth", "votes", "stories", "miles", "wellbeing"):
        assert f'id="indicator-{key}"' in page
        assert f'id="chart-{key}-title"' in page
    assert 'data-latest="participants"><strong>19</strong>' in page
    assert 'data-latest="votes"><strong>19</strong>' in page
    assert "selection bias" in page  # the took-part caveat
    assert 'media="print"' in page and "measures-print.css" in page
    assert "<script>" not in page and "style=" not in page


async def test_town_filter_and_period(anon):
    big = (await anon.get("/measures", params={"town": BIG, "period": 3})).text
    assert 'data-latest="participants"><strong>15</strong>' in big
    assert 'data-latest="miles"><strong>26.2</strong>' in big  # 15 x 1.75 = 26.25
    assert "Last 3 months" in big
    small = (await anon.get("/measures", params={"town": SMALL})).text
    assert 'data-latest="participants"><strong>suppressed (&lt;10)</strong>' in small
    assert (await anon.get("/measures", params={"town": "Atlantis"})).status_code == 404


async def test_csv_holds_exactly_the_shown_figures(anon):
    response = await anon.get("/measures/dashboard.csv", params={"town": BIG, "period": 3})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    participants = [r for r in rows if r["indicator"] == "Participants"]
    assert len(participants) == 3 and participants[-1]["value"] == "15"
    assert {r["town"] for r in rows} == {BIG}
    outcome = (await anon.get("/measures/outcomes.csv")).text
    assert "suppressed (<30 paired)" in outcome  # 19 people answered twice: too few for change


async def test_survey_needs_sign_in(anon):
    response = await anon.get("/measures/survey")
    assert response.status_code == 303 and "/sign-in" in response.headers["location"]


async def test_survey_errors_then_saves(pat, app: App):
    page = await pat.get("/measures/survey")
    assert page.status_code == 200
    assert "Overall, how satisfied are you with your life nowadays?" in page.text
    assert "Item 7" in page.text and 'name="consent"' in page.text
    token = csrf_from(page.text)
    answers = {f"ons4-{q}": "7" for q in ("satisfaction", "worthwhile", "happy", "anxious")}
    answers |= {f"swemwbs-{i}": "4" for i in range(1, 8)}
    missing = await pat.post("/measures/survey", data={"csrf_token": token, **answers})
    assert missing.status_code == 422
    assert "There is a problem" in missing.text and 'href="#consent"' in missing.text
    assert 'value="7" checked' in missing.text  # answers kept
    partial = dict(answers, consent="yes")
    del partial["swemwbs-3"]
    bad = await pat.post("/measures/survey", data={"csrf_token": token, **partial})
    assert bad.status_code == 422 and 'href="#swemwbs-3"' in bad.text
    saved = await pat.post("/measures/survey", data={"csrf_token": token, **answers,
                                                      "consent": "yes"})  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/measures/survey?saved=1"
    assert "Your answers for today are saved" in (await pat.get(saved.headers["location"])).text
    with app.reading() as session:
        stored = dict(
            session.execute(
                select(SurveyResponse.instrument, SurveyResponse.answers)
                .join(Person, Person.id == SurveyResponse.person_id)
                .where(Person.ref == "big00", SurveyResponse.answered_on == date.today())
            ).all()
        )
    assert stored == {Instrument.ONS4: [7, 7, 7, 7], Instrument.SWEMWBS: [4] * 7}


async def test_unlinked_user_cannot_answer(towns: FastAPI):
    async for client in client_for(towns, "organiser"):
        page = await client.get("/measures/survey")
        assert "not linked to you" in page.text and 'name="consent"' not in page.text


def test_indicators_on_each_database(db_app: App):
    """The dashboard's SQL (unions, distinct counts, date ranges) on SQLite and PostgreSQL."""
    add_towns(db_app)
    with db_app.reading() as session:
        board = mq.dashboard(session, town=BIG, period=2)
        small = mq.dashboard(session, town=SMALL, period=2)
    latest = {ind.key: ind.latest.value for ind in board.indicators}
    assert latest["participants"] == latest["active"] == latest["growth"] == 15
    assert latest["votes"] == 15 and latest["stories"] == 15 and latest["miles"] == 26.2
    assert latest["wellbeing"] == pytest.approx(
        ins.measure_value("swemwbs", "metric", [4, 4, 4, 3, 4, 4, 4])
    )
    assert all(c.suppressed for ind in small.indicators for c in ind.cells)
    assert board.towns == [BIG, SMALL]
