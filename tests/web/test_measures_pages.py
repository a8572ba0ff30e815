"""The Measures dashboard (filters, charts with tables, CSV, print) and the wellbeing survey."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from auth_helpers import USERS, add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select
from towns_movement import BIG, MID, SMALL, add_towns

from groundswell.actions import health_dashboard as mq
from groundswell.actions.accounts import do_link_person
from groundswell.app import App
from groundswell.measures import instruments as ins
from groundswell.store.models import Instrument, Person, SurveyResponse
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
PLACEHOLDER = Path(__file__).parents[1] / "measures" / "data" / "swemwbs-wording-placeholder.toml"
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
    assert 'data-latest="participants"><strong>29</strong>' in page
    assert 'data-latest="votes"><strong>29</strong>' in page
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
    assert "suppressed (<30 paired)" in outcome  # 29 people answered twice: too few for change


async def test_survey_needs_sign_in(anon):
    response = await anon.get("/measures/survey")
    assert response.status_code == 303 and "/sign-in" in response.headers["location"]


async def test_survey_errors_then_saves(pat, app: App, monkeypatch: pytest.MonkeyPatch):
    wording = app.settings.model_copy(update={"swemwbs_wording": PLACEHOLDER})
    monkeypatch.setattr(app, "settings", wording)
    page = await pat.get("/measures/survey")
    assert page.status_code == 200
    assert "Overall, how satisfied are you with your life nowadays?" in page.text
    assert "PLACEHOLDER statement seven" in page.text and 'name="consent"' in page.text
    assert "Item 7" not in page.text and "PLACEHOLDER copyright line" in page.text
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


async def test_survey_without_wording_asks_and_stores_ons4_only(pat, app: App):
    page = await pat.get("/measures/survey")
    assert "The short Warwick-Edinburgh scale is not set up here" in page.text
    assert 'name="swemwbs-1"' not in page.text
    answers = {f"ons4-{q}": "6" for q in ("satisfaction", "worthwhile", "happy", "anxious")}
    answers |= {f"swemwbs-{i}": "4" for i in range(1, 8)}  # sent anyway: never stored

    def todays() -> dict[Instrument, list[int]]:
        with app.reading() as session:
            return dict(session.execute(
                select(SurveyResponse.instrument, SurveyResponse.answers)
                .join(Person, Person.id == SurveyResponse.person_id)
                .where(Person.ref == "big00", SurveyResponse.answered_on == date.today())
            ).all())  # fmt: skip

    before = todays()
    saved = await pat.post("/measures/survey", data={"csrf_token": csrf_from(page.text),
                                                      **answers, "consent": "yes"})  # fmt: skip
    assert saved.status_code == 303
    after = todays()
    assert after[Instrument.ONS4] == [6, 6, 6, 6]
    assert after.get(Instrument.SWEMWBS) == before.get(Instrument.SWEMWBS) != [4] * 7


async def test_dashboard_sets_national_figures_beside_the_movement(anon):
    page = (await anon.get("/measures")).text
    assert 'id="norms"' in page and "not a random sample of the population" in page
    assert 'data-norm="ons4-anxious"' in page and "3.23" in page and "23.7" in page
    assert "Qual Life Res 2017;26:1129-1144" in page
    assert 'href="https://doi.org/10.1007/s11136-016-1454-8"' in page
    assert "Personal well-being in the UK: April 2022 to March 2023" in page


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
    assert board.towns == [BIG, MID, SMALL]


# --- conversations held, leadership, reach and initiatives over time, on a hand-made store ---


def _leaders_store(gs: App, today: date) -> None:
    """Ashby: p0-p9 lead one event this month, p10 two last month, p11 hosts (2 months ago).

    Bexley: q0-q9 tied to p0, q10 tied to q0 (two steps), q11 to q10 (three), q12-13 alone;
    q0-q11 joined the oldest of three conversations and the grassroots initiative.
    """
    from groundswell.actions.health_series import month_start
    from groundswell.store.models import (
        Conversation,
        Event,
        Hand,
        Initiative,
        MemberRole,
        Membership,
        Participant,
        PowerMode,
        Tie,
    )  # fmt: skip
    from groundswell.store.models.initiatives_log import InitiativeModeChange

    two, one = month_start(today, 2), month_start(today, 1)
    at = lambda d: datetime(d.year, d.month, d.day, 12, tzinfo=UTC)  # noqa: E731
    with gs.transaction() as s:
        ash = [Person(ref=f"p{i}", town="Ashby", joined_at=at(two)) for i in range(12)]
        bex = [Person(ref=f"q{i}", town="Bexley", joined_at=at(two)) for i in range(14)]
        s.add_all(ash + bex)
        grass = Initiative(slug="g", name="G", hand=Hand.GRASSROOTS, power_mode=PowerMode.SHARING,
                           town="Bexley", started_on=two)  # fmt: skip
        system = Initiative(slug="s", name="S", hand=Hand.SYSTEM, power_mode=PowerMode.CEDING,
                            town="Bexley", created_at=at(today))  # fmt: skip
        talks = [Conversation(slug=f"c{i}", topic="T", question="Q?", opened_at=at(d))
                 for i, d in enumerate((two, today, today))]  # fmt: skip
        s.add_all([grass, system, *talks])
        s.flush()
        s.add_all(Event(title="E", held_on=today, led_by_id=p.id) for p in ash[:10])
        s.add_all(Event(title="E", held_on=one, led_by_id=ash[10].id) for _ in range(2))
        s.add(Membership(initiative_id=grass.id, person_id=ash[11].id, role=MemberRole.HOST,
                         joined_on=two))  # fmt: skip
        s.add_all(Tie(source_id=ash[0].id, target_id=q.id) for q in bex[:10])
        s.add_all([Tie(source_id=bex[0].id, target_id=bex[10].id),
                   Tie(source_id=bex[10].id, target_id=bex[11].id)])  # fmt: skip
        for i, q in enumerate(bex[:12]):
            s.add(Participant(conversation_id=talks[0].id, pid=i, person_id=q.id,
                              created_at=at(two)))  # fmt: skip
            s.add(Membership(initiative_id=grass.id, person_id=q.id))
            if i < 10:
                s.add(Membership(initiative_id=system.id, person_id=q.id))
        s.add_all([
            InitiativeModeChange(initiative_id=grass.id, to_mode=PowerMode.KEEPING, changed_on=two),
            InitiativeModeChange(initiative_id=grass.id, from_mode=PowerMode.KEEPING,
                                 to_mode=PowerMode.SHARING, changed_on=one),
        ])  # fmt: skip


def _series(board: mq.Dashboard) -> dict[str, list]:
    return {ind.key: [None if c.suppressed else c.value for c in ind.cells]
            for ind in board.indicators}  # fmt: skip


def test_nobody_led_anything_is_nothing_to_measure(db_app: App):
    """Twelve people came to events nobody led: the index is undefined, not a perfect 1."""
    from groundswell.measures import suppression as sup
    from groundswell.store.models import Attendance, Event

    today = date.today()
    with db_app.transaction() as s:
        people = [Person(ref=f"n{i}", town="Ashby") for i in range(12)]
        event = Event(title="Walk", held_on=today)
        s.add_all([*people, event])
        s.flush()
        s.add_all(Attendance(event_id=event.id, person_id=p.id) for p in people)
    with db_app.reading() as session:
        board = mq.dashboard(session, period=3, today=today)
    (leadership,) = [ind for ind in board.indicators if ind.key == "leadership"]
    assert leadership.latest == sup.Cell(None, 12, sup.NOTHING_TO_MEASURE)
    assert sup.show(leadership.latest) == "nothing to measure"
    assert leadership.cells[0].reason == sup.SMALL_CELL  # nobody active then: hidden as before


def test_new_indicators_on_each_database(db_app: App):
    today = date.today()
    _leaders_store(db_app, today)
    with db_app.reading() as session:
        every = _series(mq.dashboard(session, period=3, today=today))
        bex = _series(mq.dashboard(session, town="Bexley", period=3, today=today))
        ash = _series(mq.dashboard(session, town="Ashby", period=3, today=today))
    assert every["conversations"] == [1, 1, 3]
    assert bex["conversations"] == [1, 1, 1]  # the one its 12 people joined
    assert ash["conversations"] == [None] * 3  # no one from Ashby took part
    # First time leading: p11 (host) two months ago, p10 last month, p0-p9 this month.
    assert every["new_leaders"] == [None, None, 10] and ash["new_leaders"] == [None, None, 10]
    # Active in the 12 months: p0-p9 led 1, p10 led 2 (p11's host membership is no action):
    # Gini = 2 * 77 / (11 * 12) - 12 / 11 = 10 / 132, as the roles report counts it.
    assert every["leadership"][:2] == [None, None]
    assert every["leadership"][2] == pytest.approx(round(1 - 10 / 132, 3))
    # Active: p0-p10; two ties from them: q0-q9, then q10 (q11 is three away).
    assert every["reach"][2] == 11 + 11 and bex["reach"][2] == 11
    assert ash["reach"] == [None, None, 11]
    # Grassroots from two months ago (keeping, then sharing last month); system this month.
    assert every["hand_grassroots"] == [1, 1, 1] and every["hand_system"] == [None, None, 1]
    assert every["mode_keeping"] == [1, None, None]
    assert every["mode_sharing"] == [None, 1, 1] and every["mode_ceding"] == [None, None, 1]
    assert ash["hand_grassroots"] == [None] * 3  # its initiatives are Bexley's


async def test_new_indicators_on_the_page_and_in_the_csv(anon):
    page = (await anon.get("/measures")).text
    for key in ("conversations", "new_leaders", "leadership", "reach", "hand_grassroots",
                "mode_ceding"):  # fmt: skip
        assert f'id="chart-{key}-title"' in page and f'data-latest="{key}"' in page
    assert 'data-latest="conversations"><strong>1</strong>' in page
    assert 'data-latest="reach"><strong>29</strong>' in page  # everyone voted: reached
    rows = list(csv.DictReader(io.StringIO((await anon.get("/measures/dashboard.csv")).text)))
    names = {r["indicator"] for r in rows}
    assert {mq.TITLES[k][0] for k in ("conversations", "new_leaders", "leadership", "reach",
                                       "mode_keeping")} <= names  # fmt: skip
