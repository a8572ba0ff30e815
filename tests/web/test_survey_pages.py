"""The survey a person answers through their own link: consent first, search, tick, type, send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from auth_helpers import client_for, csrf_from
from fastapi import FastAPI
from sqlalchemy import select, update
from survey_setup import HEALTH, consented, leeds_survey, question_ids, ties

from groundswell.app import App
from groundswell.store.models import RelationshipSurvey, SurveyNomination, SurveyStatus
from groundswell.web import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(db_app: App) -> App:
    return db_app


@pytest.fixture
def web(app: App) -> FastAPI:
    return create_app(app)


@pytest.fixture
def tokens(app: App, tmp_path: Path) -> dict[str, str]:
    return leeds_survey(app, tmp_path)


@pytest.fixture
async def visitor(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(web, "anonymous"):
        yield client


async def test_consent_comes_first_then_the_questions(visitor, tokens, app: App):
    first = await visitor.get(f"/s/{tokens['s01']}")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert "Before you start" in first.text and "Hello Amara Okafor" in first.text
    assert 'name="find' not in first.text  # no question is asked before consent
    assert "We keep who you name" in first.text and "Delete my answers" in first.text
    blank = await visitor.post(
        f"/s/{tokens['s01']}/consent", data={"csrf_token": csrf_from(first.text)}
    )
    assert blank.status_code == 422 and "Choose yes if you agree" in blank.text
    # Answering before consenting is sent back to the consent step, nothing written.
    early = await visitor.post(
        f"/s/{tokens['s01']}", data={"csrf_token": csrf_from(first.text), "send": "1"}
    )
    assert early.status_code == 303
    page = await consented(visitor, tokens["s01"])
    assert (
        HEALTH in page
        and "Choose up to 2 people." in page
        and "Choose as many people as you like." in page
    )
    assert len(question_ids(page)) == 2


async def test_saying_no_stores_nothing(visitor, tokens, app: App):
    page = await visitor.get(f"/s/{tokens['s02']}")
    no = await visitor.post(
        f"/s/{tokens['s02']}/consent", data={"consent": "no", "csrf_token": csrf_from(page.text)}
    )
    assert no.status_code == 200 and "You are not taking part" in no.text
    again = await visitor.get(f"/s/{tokens['s02']}")
    assert "Before you start" in again.text
    with app.reading() as s:
        assert s.scalars(select(SurveyNomination)).all() == []


async def test_answering_without_javascript_search_tick_and_type(visitor, tokens, app: App):
    token = tokens["s01"]
    page = await consented(visitor, token)
    health, energy = question_ids(page)
    csrf = csrf_from(page)
    # The search button posts the whole form: matches come back as boxes to tick.
    found = await visitor.post(
        f"/s/{token}",
        data={
            "csrf_token": csrf,
            "search": str(health),
            f"find{health}": "ben",
            f"find{energy}": "am",
        },
    )
    assert found.status_code == 200
    assert (
        f'name="q{health}" type="checkbox" value="ref:s02"' in found.text
        and "Ben Carter, Leeds" in found.text
    )
    # Nobody is offered themselves, and nobody outside the survey's town.
    assert "ref:s01" not in found.text and "Erin" not in found.text
    assert "No one on the list matches “am”" in found.text
    short = await visitor.post(
        f"/s/{token}", data={"csrf_token": csrf, "search": str(health), f"find{health}": "b"}
    )
    assert "Type at least 2 letters of their name." in short.text
    # A tick survives the next search; a typed name with a typo waits for an organiser.
    kept = await visitor.post(
        f"/s/{token}",
        data={
            "csrf_token": csrf,
            "search": str(energy),
            f"q{health}": "ref:s02",
            "label-ref:s02": "Ben Carter, Leeds",
            f"find{energy}": "dev",
        },
    )
    assert 'value="ref:s02" checked' in kept.text and "ref:s04" in kept.text
    sent = await visitor.post(
        f"/s/{token}",
        data={
            "csrf_token": csrf,
            "send": "1",
            f"q{health}": "ref:s02",
            f"other{health}": "Chloe Davis",
            f"q{energy}": ["ref:s04", "ref:s02"],
            f"other{energy}": "Chloe Davies, ",
        },
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/s/{token}?sent=1"
    thanks = await visitor.get(sent.headers["location"])
    assert "Thank you, your answers are saved" in thanks.text
    assert ties(app, "health_talk") == {("s01", "s02")}
    assert ties(app, "energy") == {("s01", "s04"), ("s01", "s02"), ("s01", "s03")}
    with app.reading() as s:
        waiting = s.scalars(
            select(SurveyNomination.nominee_text).where(SurveyNomination.nominee_id.is_(None))
        ).all()
    assert waiting == ["Chloe Davis"]


async def test_a_spent_link_says_thank_you_and_takes_nothing_more(visitor, tokens, app: App):
    token = tokens["s03"]
    page = await consented(visitor, token)
    health, _ = question_ids(page)
    csrf = csrf_from(page)
    first = await visitor.post(
        f"/s/{token}", data={"csrf_token": csrf, "send": "1", f"q{health}": "ref:s04"}
    )
    assert first.status_code == 303
    spent = await visitor.get(f"/s/{token}")
    assert spent.status_code == 200 and "Thank you, you have already answered" in spent.text
    again = await visitor.post(
        f"/s/{token}", data={"csrf_token": csrf, "send": "1", f"q{health}": "ref:s01"}
    )
    assert again.status_code == 303 and again.headers["location"] == f"/s/{token}"
    roster = await visitor.get(f"/s/{token}/roster", params={"question": health, "q": "amara"})
    assert roster.status_code == 404
    assert ties(app, "health_talk") == {("s03", "s04")}
    # Taking the answers back deletes them and the ties they made.
    gone = await visitor.post(f"/s/{token}/withdraw", data={"csrf_token": csrf})
    assert gone.status_code == 200 and "Your answers are deleted" in gone.text
    assert ties(app, "health_talk") == set()
    assert "You have taken back your answers" in (await visitor.get(f"/s/{token}")).text


async def test_too_many_names_are_refused_and_the_ticks_kept(visitor, tokens, app: App):
    token = tokens["s04"]
    page = await consented(visitor, token)
    health, _ = question_ids(page)
    refused = await visitor.post(
        f"/s/{token}",
        data={
            "csrf_token": csrf_from(page),
            "send": "1",
            f"q{health}": ["ref:s01", "ref:s02"],
            f"other{health}": "Someone Else",
        },
    )
    assert refused.status_code == 422 and "choose up to 2 people" in refused.text
    assert 'value="ref:s01" checked' in refused.text and 'value="Someone Else"' in refused.text
    assert ties(app, "health_talk") == set()
    assert "Before you start" not in (await visitor.get(f"/s/{token}")).text  # the link still works


async def test_type_ahead_lists_names_and_adds_a_ticked_box(visitor, tokens, app: App):
    token = tokens["s01"]
    page = await consented(visitor, token)
    health, _ = question_ids(page)
    assert f'hx-get="/s/{token}/roster"' in page
    listed = await visitor.get(
        f"/s/{token}/roster",
        params={"question": health, f"find{health}": "ch"},
        headers={"HX-Request": "true"},
    )
    assert listed.status_code == 200 and "Chloe Davies, Leeds" in listed.text
    assert (
        "<html" not in listed.text
        and f"/s/{token}/pick?question={health}&amp;ref=s03" in listed.text
    )
    short = await visitor.get(
        f"/s/{token}/roster", params={"question": health, f"find{health}": "c"}
    )
    assert "Type at least 2 letters" in short.text
    unknown = await visitor.get(f"/s/{token}/roster", params={"question": 999999, "q": "ch"})
    assert "Chloe Davies, Leeds" in unknown.text  # an unknown question: the first one's box
    already = await visitor.get(
        f"/s/{token}/roster",
        params={"question": health, f"find{health}": "ch", f"q{health}": "ref:s03"},
    )
    assert "Chloe" not in already.text
    chip = await visitor.get(
        f"/s/{token}/pick", params={"question": health, "ref": "s03", "name": "Chloe Davies"}
    )
    assert (
        chip.status_code == 200
        and f'name="q{health}" type="checkbox" value="ref:s03" checked' in chip.text
    )
    assert 'hx-swap-oob="true"' in chip.text
    outsider = await visitor.get(
        f"/s/{token}/pick", params={"question": health, "ref": "s05", "name": "Erin Walsh"}
    )
    assert outsider.status_code == 404


async def test_an_unknown_link_gets_a_plain_page(visitor, tokens):
    page = await visitor.get("/s/not-a-real-token")
    assert page.status_code == 404 and "This survey link does not work" in page.text
    assert "Traceback" not in page.text
    csrf = csrf_from((await visitor.get(f"/s/{tokens['s01']}")).text)
    for path in (
        "/s/not-a-real-token",
        "/s/not-a-real-token/consent",
        "/s/not-a-real-token/withdraw",
    ):
        answer = await visitor.post(path, data={"csrf_token": csrf, "consent": "yes", "send": "1"})
        assert answer.status_code == 404 and "This survey link does not work" in answer.text
    assert (await visitor.get("/s/" + "x" * 300)).status_code == 404
    assert (await visitor.get("/s/nope/roster", params={"q": "amara"})).status_code == 404


async def test_csrf_and_rate_limit_guard_the_public_forms(web: FastAPI, visitor, tokens, app: App):
    token = tokens["s02"]
    forged = await visitor.post(f"/s/{token}/consent", data={"consent": "yes"})
    assert forged.status_code == 403
    page = await visitor.get(f"/s/{token}")
    assert "Before you start" in page.text  # nothing recorded
    web.state.ratelimiter.limits["submission"] = 2
    answers = [
        await visitor.post(f"/s/{token}/consent", data={"csrf_token": csrf_from(page.text)})
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [422, 422, 429, 429]
    assert "Retry-After" in answers[-1].headers


async def test_the_type_ahead_is_rate_limited(web: FastAPI, visitor, tokens, app: App):
    token = tokens["s01"]
    health, _ = question_ids(await consented(visitor, token))
    assert web.state.ratelimiter.limits["lookup"] >= 60  # a person typing is never held
    web.state.ratelimiter.limits["lookup"] = 3
    looks = [
        await visitor.get(f"/s/{token}/roster", params={"question": health, "q": "ch"})
        for _ in range(3)
    ]
    assert [r.status_code for r in looks] == [200, 200, 200]
    held = await visitor.get(f"/s/{token}/roster", params={"question": health, "q": "ch"})
    assert held.status_code == 429 and "Retry-After" in held.headers
    pick = await visitor.get(
        f"/s/{token}/pick", params={"question": health, "ref": "s03", "name": "Chloe Davies"}
    )
    assert pick.status_code == 429


async def test_a_closed_survey_says_so_and_takes_no_answers(visitor, tokens, app: App):
    token = tokens["s02"]
    page = await visitor.get(f"/s/{token}")
    with app.transaction() as s:
        s.execute(update(RelationshipSurvey).values(status=SurveyStatus.CLOSED))
    closed = await visitor.get(f"/s/{token}")
    assert closed.status_code == 200 and "This survey has closed" in closed.text
    late = await visitor.post(
        f"/s/{token}/consent", data={"consent": "yes", "csrf_token": csrf_from(page.text)}
    )
    assert late.status_code == 303
    assert "This survey has closed" in (await visitor.get(f"/s/{token}")).text
