"""Survey pages: a personal link answered without an account, and the organiser's pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from auth_helpers import add_users, client_for, csrf_from
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.actions.imports import do_import_people
from groundswell.actions.relationship_surveys import (
    QuestionSpec,
    do_create_survey,
    do_issue_links,
)
from groundswell.app import App
from groundswell.store.models import AuditEvent, Person, SurveyNomination, Tie
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
SLUG = "leeds-talk"
HEALTH = "Who do you talk to about your health?"
PEOPLE = [
    ("s01", "Amara Okafor", "Leeds"),
    ("s02", "Ben Carter", "Leeds"),
    ("s03", "Chloe Davies", "Leeds"),
    ("s04", "Dev Patel", "Leeds"),
    ("s05", "Erin Walsh", "Bradford"),
]


@pytest.fixture
def app(db_app: App) -> App:
    return db_app


@pytest.fixture
def web(app: App) -> FastAPI:
    return create_app(app)


@pytest.fixture
def tokens(app: App, tmp_path: Path) -> dict[str, str]:
    """Four people in Leeds asked two questions (Erin, in Bradford, is not asked): ref -> token."""
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,display_name,town\n" + "".join(f"{r},{n},{t}\n" for r, n, t in PEOPLE))
    do_import_people(app, sheet)
    do_create_survey(
        app,
        slug=SLUG,
        title="Who do you talk to?",
        audience_town="Leeds",
        actor="test",
        questions=[
            QuestionSpec(HEALTH, "health_talk", 2),
            QuestionSpec("Who gives you energy?", "energy"),
        ],
    )
    return {link.person_ref: link.token for link in do_issue_links(app, SLUG, actor="test")}


@pytest.fixture
async def visitor(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(web, "anonymous"):
        yield client


def question_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="question-(\d+)"', html)]


async def consented(visitor: httpx.AsyncClient, token: str) -> str:
    """Say yes on the consent step; the questions page that follows."""
    page = await visitor.get(f"/s/{token}")
    agreed = await visitor.post(
        f"/s/{token}/consent", data={"consent": "yes", "csrf_token": csrf_from(page.text)}
    )
    assert agreed.status_code == 303 and agreed.headers["location"] == f"/s/{token}"
    return (await visitor.get(f"/s/{token}")).text


def ties(app: App, kind: str) -> set[tuple[str, str]]:
    with app.reading() as s:
        rows = s.execute(select(Tie.source_id, Tie.target_id).where(Tie.kind == kind)).all()
        refs = {pid: ref for pid, ref in s.execute(select(Person.id, Person.ref))}
    return {(refs[a], refs[b]) for a, b in rows}


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


# The organiser's pages.


async def test_only_organisers_over_the_audience_see_the_survey(web: FastAPI, app: App, tokens):
    add_users(app)
    do_create_survey(
        app,
        slug="everyone",
        title="Everyone",
        actor="test",
        questions=[QuestionSpec("Who do you ask for advice?", "advice")],
    )
    expected = {
        "anonymous": {
            "/admin/surveys": 303,
            f"/admin/surveys/{SLUG}": 303,
            "/admin/surveys/new": 303,
        },
        "participant": {
            "/admin/surveys": 403,
            f"/admin/surveys/{SLUG}": 403,
            "/admin/surveys/new": 403,
        },
        # A Leeds organiser runs the Leeds survey, not the whole movement's.
        "organiser": {
            "/admin/surveys": 200,
            f"/admin/surveys/{SLUG}": 200,
            "/admin/surveys/everyone": 403,
        },
        "admin": {
            "/admin/surveys": 200,
            f"/admin/surveys/{SLUG}": 200,
            "/admin/surveys/everyone": 200,
            "/admin/surveys/nothing-here": 404,
        },
    }
    for role, pages in expected.items():
        async for client in client_for(web, role):
            for path, status in pages.items():
                got = await client.get(path)
                assert got.status_code == status, (role, path)
                assert "Traceback" not in got.text
            if role == "organiser":
                page = await client.get("/admin/surveys/new")
                wide = {"csrf_token": csrf_from(page.text), "title": "All", "slug": "all",
                        "text1": HEALTH, "tie_kind1": "health_talk"}  # fmt: skip
                refused = await client.post("/admin/surveys/new", data=wide)
                assert refused.status_code == 422 and 'id="town-error"' in refused.text
            if role in ("anonymous", "participant"):
                csrf = csrf_from((await client.get("/sign-in")).text) if role == "anonymous" else ""
                for action in ("links.csv", "match", "add-person", "dismiss"):
                    post = await client.post(
                        f"/admin/surveys/{SLUG}/{action}",
                        data={"csrf_token": csrf, "name": "x", "person": "s01"},
                    )
                    assert post.status_code in (401, 403), (role, action)


async def test_an_organiser_creates_a_survey_downloads_links_and_resolves_names(
    web: FastAPI, app: App, tokens, visitor
):
    add_users(app)
    # Three answers, with names typed wrong.
    for ref, typed in (("s01", "Chloe Davis"), ("s02", "Dev Patell"), ("s04", "Zed Unknown")):
        page = await consented(visitor, tokens[ref])
        health, _ = question_ids(page)
        sent = await visitor.post(
            f"/s/{tokens[ref]}",
            data={"csrf_token": csrf_from(page), "send": "1", f"other{health}": typed},
        )
        assert sent.status_code == 303
    async for admin in client_for(web, "admin"):
        form = await admin.get("/admin/surveys/new")
        csrf = csrf_from(form.text)
        more = await admin.post(
            "/admin/surveys/new",
            data={"csrf_token": csrf, "rows": "2", "more": "1", "title": "Keep me"},
        )
        assert 'id="text3"' in more.text and 'value="Keep me"' in more.text
        wrong = await admin.post(
            "/admin/surveys/new",
            data={
                "csrf_token": csrf,
                "rows": "2",
                "title": "Bay talk",
                "slug": "bay-talk",
                "text1": HEALTH,
                "tie_kind1": "Health Talk",
                "max_answers1": "five",
            },
        )
        assert wrong.status_code == 422 and 'id="max_answers1-error"' in wrong.text
        # The action's refusal lands on the field it is about, in the row it came from.
        kind = {"csrf_token": csrf, "rows": "3", "title": "Bay talk", "slug": "bay-talk",
                "text3": HEALTH, "tie_kind3": "Health Talk"}  # fmt: skip
        refused = await admin.post("/admin/surveys/new", data=kind)
        assert refused.status_code == 422 and 'id="tie_kind3-error"' in refused.text
        assert "is not a tie kind" in refused.text
        made = await admin.post(
            "/admin/surveys/new",
            data={
                "csrf_token": csrf,
                "rows": "2",
                "title": "Bay talk",
                "slug": "bay-talk",
                "text1": HEALTH,
                "tie_kind1": "health_talk",
                "max_answers1": "5",
                "text2": "Who gives you energy?",
                "tie_kind2": "energy",
                "town": "Leeds",
            },
        )
        assert made.status_code == 303 and made.headers["location"] == "/admin/surveys/bay-talk"
        listing = await admin.get("/admin/surveys")
        assert "Bay talk" in listing.text and "Who do you talk to?" in listing.text
        download = await admin.post("/admin/surveys/bay-talk/links.csv", data={"csrf_token": csrf})
        assert download.status_code == 200 and download.headers["content-type"].startswith(
            "text/csv"
        )
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert sorted(r["person"] for r in rows) == ["s01", "s02", "s03", "s04"]
        assert all(re.fullmatch(r"http://127\.0\.0\.1:8000/s/[\w-]{20,}", r["link"]) for r in rows)
        assert (
            await admin.post("/admin/surveys/bay-talk/links.csv", data={"csrf_token": csrf})
        ).text.count("\n") == 1
        again = await admin.post(
            "/admin/surveys/bay-talk/links.csv", data={"csrf_token": csrf, "reissue": "yes"}
        )
        assert again.text.count("\n") == 5

        page = await admin.get(f"/admin/surveys/{SLUG}")
        assert (
            page.status_code == 200 and "“Chloe Davis”" in page.text and "Chloe Davies" in page.text
        )
        assert "“Dev Patell”" in page.text and "“Zed Unknown”" in page.text
        csrf = csrf_from(page.text)
        confirm = await admin.post(
            f"/admin/surveys/{SLUG}/match",
            data={"csrf_token": csrf, "name": "Chloe Davis", "person": "s03"},
        )
        assert confirm.status_code == 303
        shown = await admin.get(confirm.headers["location"])
        assert "“Chloe Davis” matched: 1 link written." in shown.text
        added = await admin.post(
            f"/admin/surveys/{SLUG}/add-person",
            data={"csrf_token": csrf, "name": "Zed Unknown", "town": "Leeds"},
        )
        assert added.status_code == 303
        unknown = await admin.post(
            f"/admin/surveys/{SLUG}/match",
            data={"csrf_token": csrf, "name": "Dev Patell", "person": "nobody"},
        )
        assert unknown.status_code == 422 and "There is a problem" in unknown.text
        gone = await admin.post(
            f"/admin/surveys/{SLUG}/dismiss", data={"csrf_token": csrf, "name": "Dev Patell"}
        )
        assert gone.status_code == 303
        final = await admin.get(f"/admin/surveys/{SLUG}")
        assert "None: every name typed so far matched someone." in final.text
    assert ("s01", "s03") in ties(app, "health_talk")
    with app.reading() as s:
        zed = s.scalar(select(Person.ref).where(Person.display_name == "Zed Unknown"))
        audited = set(
            s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "ada@example.org"))
        )
    assert zed is not None and ("s04", zed) in ties(app, "health_talk")
    assert audited, "the organiser's reads of names are audited"
