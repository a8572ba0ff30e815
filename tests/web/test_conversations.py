"""Conversation pages through the in-process client: voting, statements, moderation, report."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import BASE, PASSWORD, add_users, client_for, csrf_from, sign_in
from fastapi import FastAPI

from groundswell.actions.accounts import do_create_user
from groundswell.actions.conversations import do_open_conversation
from groundswell.app import App
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
SEEDS = ["Buses should be free", "Walking is for everyone", "Parks need lights"]


@pytest.fixture
def convo_web(app: App) -> FastAPI:
    add_users(app)
    do_open_conversation(app, topic="Getting about", question="How do we get about?", seeds=SEEDS)
    do_open_conversation(app, topic="Pre", question="Moderated first?", moderation="pre",
                         seeds=SEEDS[:1])  # fmt: skip
    return create_app(app)


@pytest.fixture
async def visitor(convo_web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(convo_web, "anonymous"):
        yield c


@pytest.fixture
async def moderator(convo_web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(convo_web, "moderator"):
        yield c


def _tid(html: str) -> str | None:
    found = re.search(r'name="tid" value="(\d+)"', html)
    return found.group(1) if found else None


async def test_vote_through_without_javascript(visitor: httpx.AsyncClient):
    seen = []
    page = await visitor.get("/conversations/getting-about")
    assert page.status_code == 200 and "How do we get about?" in page.text
    while (tid := _tid(page.text)) is not None:
        assert tid not in seen
        seen.append(tid)
        answer = await visitor.post(
            "/conversations/getting-about/vote",
            data={"tid": tid, "vote": "agree", "csrf_token": csrf_from(page.text)},
        )
        assert answer.status_code == 303 and answer.headers["location"] == (
            "/conversations/getting-about"
        )
        page = await visitor.get("/conversations/getting-about")
    assert sorted(seen) == ["0", "1", "2"]
    assert "Thank you for taking part" in page.text and "/report" in page.text


async def test_htmx_vote_swaps_the_card(visitor: httpx.AsyncClient):
    page = await visitor.get("/conversations/getting-about")
    answer = await visitor.post(
        "/conversations/getting-about/vote",
        data={"tid": _tid(page.text), "vote": "disagree"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(page.text)},
    )
    assert answer.status_code == 200
    assert 'id="statement-card"' in answer.text
    assert "<html" not in answer.text and "Statement 2 of 3" in answer.text


async def test_vote_without_csrf_token_is_refused(visitor: httpx.AsyncClient, app: App):
    await visitor.get("/conversations/getting-about")
    answer = await visitor.post(
        "/conversations/getting-about/vote", data={"tid": 0, "vote": "agree"}
    )
    assert answer.status_code == 403
    from groundswell.actions.conversation_report import report

    assert report(app, "getting-about").n_votes == 0


async def test_bad_vote_and_unknown_conversation(visitor: httpx.AsyncClient):
    page = await visitor.get("/conversations/getting-about")
    token = csrf_from(page.text)
    answer = await visitor.post(
        "/conversations/getting-about/vote", data={"tid": 0, "vote": "maybe", "csrf_token": token}
    )
    assert answer.status_code == 422 and "not agree, disagree or pass" in answer.text
    assert (await visitor.get("/conversations/nowhere")).status_code == 404


async def test_add_statement_validates_and_waits_in_pre_moderation(visitor: httpx.AsyncClient):
    page = await visitor.get("/conversations/pre")
    token = csrf_from(page.text)
    too_long = await visitor.post(
        "/conversations/pre/statements", data={"statement": "x" * 300, "csrf_token": token}
    )
    assert too_long.status_code == 422
    assert "There is a problem" in too_long.text and "280 characters or fewer" in too_long.text
    assert "<title>Error: " in too_long.text and "x" * 300 in too_long.text  # kept for editing
    ok = await visitor.post(
        "/conversations/pre/statements",
        data={"statement": "Cycle lanes on every main road", "csrf_token": token},
    )
    assert ok.status_code == 303 and "added=pending" in ok.headers["location"]
    page = await visitor.get(ok.headers["location"])
    assert "once a moderator accepts it" in page.text
    assert "Cycle lanes" not in page.text  # hidden until accepted


async def test_moderation_queue_needs_a_moderator(
    visitor: httpx.AsyncClient, convo_web: FastAPI, moderator: httpx.AsyncClient
):
    queue = await visitor.get("/conversations/pre/moderate")
    assert queue.status_code == 303 and "/sign-in" in queue.headers["location"]
    async for organiser in client_for(convo_web, "organiser"):  # scoped to Leeds
        assert (await organiser.get("/conversations/pre/moderate")).status_code == 403
        # it could not moderate what it opened (no initiative): it may not open one
        assert (await organiser.get("/conversations/new")).status_code == 403
        page = await organiser.get("/conversations/pre")
        assert "/conversations/pre/moderate" not in page.text


async def test_finding_4_a_movement_organiser_moderates_and_the_pages_link_the_queue(
    convo_web: FastAPI, app: App, visitor: httpx.AsyncClient
):
    do_create_user(
        app, email="runs@example.org", display_name="Runs", password=PASSWORD,
        role="organiser", scope="*",
    )  # fmt: skip
    transport = httpx.ASGITransport(app=convo_web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as organiser:
        await sign_in(organiser, "runs@example.org")
        for path in ("/conversations/pre", "/conversations/pre/report"):
            page = await organiser.get(path)
            assert 'href="/conversations/pre/moderate">Moderation queue</a>' in page.text, path
        queue = await organiser.get("/conversations/pre/moderate")
        assert queue.status_code == 200 and "Moderation queue" in queue.text
        assert (await organiser.get("/conversations/new")).status_code == 200
    for path in ("/conversations/pre", "/conversations/pre/report"):  # not for visitors
        assert "/moderate" not in (await visitor.get(path)).text


async def test_finding_3_a_statement_with_personal_data_is_held_in_post_moderation(
    visitor: httpx.AsyncClient, moderator: httpx.AsyncClient
):
    page = await visitor.get("/conversations/getting-about")
    token = csrf_from(page.text)
    held = await visitor.post(
        "/conversations/getting-about/statements",
        data={"statement": "Call Sister Jones on 01524 583000", "csrf_token": token},
    )
    assert held.status_code == 303 and "added=held" in held.headers["location"]
    page = await visitor.get(held.headers["location"])
    assert "a moderator will check it" in page.text and "Sister Jones" not in page.text
    assert "of 3" in page.text  # not routed to anyone
    report = await visitor.get("/conversations/getting-about/report")
    assert "01524" not in report.text and "on 3 statements" in report.text
    csv_text = (await visitor.get("/conversations/getting-about/report.csv")).text
    assert "01524" not in csv_text

    queue = await moderator.get("/conversations/getting-about/moderate")
    text = " ".join(queue.text.split())
    assert "Waiting for a decision (1)" in text and "Held: shown to nobody" in text
    assert "Phone “01524 583000”" in text and "Name “Jones”" in text
    done = await moderator.post(
        "/conversations/getting-about/moderate",
        data={"tid": 3, "decision": "accept", "csrf_token": csrf_from(queue.text)},
    )
    assert done.status_code == 303  # accepted: the moderator found the flags acceptable
    assert "of 4" in (await visitor.get("/conversations/getting-about")).text


async def test_moderator_accepts_a_pending_statement(
    visitor: httpx.AsyncClient, moderator: httpx.AsyncClient
):
    page = await visitor.get("/conversations/pre")
    await visitor.post(
        "/conversations/pre/statements",
        data={"statement": "Trams again, please", "csrf_token": csrf_from(page.text)},
    )
    queue = await moderator.get("/conversations/pre/moderate")
    assert "Waiting for a decision (1)" in queue.text and "Trams again, please" in queue.text
    done = await moderator.post(
        "/conversations/pre/moderate",
        data={"tid": 1, "decision": "accept", "csrf_token": csrf_from(queue.text)},
    )
    assert done.status_code == 303
    queue = await moderator.get(done.headers["location"])
    assert "Statement 1 accepted" in queue.text and "No statements are waiting" in queue.text
    page = await visitor.get("/conversations/pre")
    assert "of 2" in page.text  # the accepted statement is now routed


async def test_open_a_conversation(moderator: httpx.AsyncClient):
    form = await moderator.get("/conversations/new")
    token = csrf_from(form.text)
    bad = await moderator.post("/conversations/new", data={"topic": "", "csrf_token": token})
    assert (
        bad.status_code == 422 and "Enter a topic" in bad.text and "Enter the question" in bad.text
    )
    made = await moderator.post(
        "/conversations/new",
        data={"topic": "Green spaces", "question": "What would you change?", "moderation": "pre",
              "seeds": "More trees\n\nFewer cars\n", "csrf_token": token},
    )  # fmt: skip
    assert (
        made.status_code == 303
        and made.headers["location"] == "/conversations/green-spaces/moderate"
    )
    queue = await moderator.get(made.headers["location"])
    assert "Accepted (2)" in queue.text and "Pre-moderation" in queue.text


async def test_report_page_and_csv(convo_web: FastAPI, app: App):
    from groundswell.actions.votes import do_vote

    for p in range(20):  # two groups of 10: smaller ones are not shown apart
        for tid in range(3):
            do_vote(app, "getting-about", f"p{p}", tid, 1 if (p < 10) == (tid != 1) else -1)
    transport = httpx.ASGITransport(app=convo_web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        page = await c.get("/conversations/getting-about/report")
        assert page.status_code == 200
        for text in ("What we heard", "Opinion map", "Opinion groups", "Group A", "<svg",
                     "Participation over time", "Common ground", "60 votes"):  # fmt: skip
            assert text in page.text, text
        download = await c.get("/conversations/getting-about/report.csv")
        assert (
            download.status_code == 200 and "attachment" in download.headers["content-disposition"]
        )
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert [r["text"] for r in rows] == SEEDS and sum(int(r["seen"]) for r in rows) == 60
        empty = await c.get("/conversations/pre/report")
        assert empty.status_code == 200 and "Nobody has voted yet" in empty.text
