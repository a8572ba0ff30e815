"""The organiser's survey pages: who may see them, creating a survey, its links, its typed names."""

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
from survey_setup import HEALTH, SLUG, consented, leeds_survey, question_ids, ties

from groundswell.actions.relationship_surveys import QuestionSpec, do_create_survey
from groundswell.app import App
from groundswell.store.models import AuditEvent, Person
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
            if role in ("organiser", "admin"):
                listed = (await client.get("/admin/surveys")).text
                assert "Who do you talk to?" in listed
                assert ("Everyone" in listed) is (role == "admin")
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
        # 3 answers of 4 links: too few to show, here or by town.
        facts = page.text[page.text.index('id="survey-facts"') :]
        assert 'id="answered">suppressed (&lt;10)' in facts and "% of links" not in facts
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
        assert 'href="/network/seeds?tie_kind=health_talk"' in final.text
        assert 'href="/network/seeds?tie_kind=energy"' not in final.text  # no energy links yet
    assert ("s01", "s03") in ties(app, "health_talk")
    with app.reading() as s:
        zed = s.scalar(select(Person.ref).where(Person.display_name == "Zed Unknown"))
        audited = set(
            s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "ada@example.org"))
        )
    assert zed is not None and ("s04", zed) in ties(app, "health_talk")
    assert audited, "the organiser's reads of names are audited"


GOOD = {"title": "Bay talk", "slug": "bay-talk", "text1": HEALTH, "tie_kind1": "health_talk"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"text1": "", "tie_kind1": ""}, "text1", "Enter at least one question"),
        ({"text1": ""}, "text1", "Enter question 1, or clear its other boxes"),
        ({"tie_kind1": ""}, "tie_kind1", "Enter the kind of link question 1 records"),
        ({"max_answers1": "0"}, "max_answers1", "Enter a whole number from 1 to 50"),
        ({"slug": "Bay Talk!"}, "slug", "Use lower-case letters, digits and hyphens"),
        ({"title": ""}, "title", "Give the survey a title"),
        ({"text2": "And?", "tie_kind2": "health_talk"}, "tie_kind1", "its own tie kind"),
        ({"slug": SLUG}, "slug", "There is already a survey"),
    ],
)
async def test_a_refused_survey_form_names_the_field(
    web: FastAPI, app: App, tokens, changes: dict[str, str], field: str, words: str
):
    add_users(app)
    async for admin in client_for(web, "admin"):
        csrf = csrf_from((await admin.get("/admin/surveys/new")).text)
        refused = await admin.post(
            "/admin/surveys/new", data={**GOOD, **changes, "rows": "2", "csrf_token": csrf}
        )
    assert refused.status_code == 422, refused.text
    assert f'id="{field}-error"' in refused.text and words in refused.text
    assert f'href="#{field}"' in refused.text  # the error summary links to the field
