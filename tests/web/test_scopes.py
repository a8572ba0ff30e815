"""Scopes through the pages, on SQLite and PostgreSQL: a scoped moderator, a town organiser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import PASSWORD, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.store.models import AuditEvent
from groundswell.web import create_app
from scoped_movement import Movement, add_scoped_movement

pytestmark = pytest.mark.anyio
BASE = "https://testserver"


@pytest.fixture
def app(db_app: App) -> App:
    """Every test here runs on each database."""
    return db_app


@pytest.fixture
def movement(app: App) -> Movement:
    found = add_scoped_movement(app)
    for email, role, scope in (
        ("walk@example.org", "moderator", "initiative:walk-leeds"),
        ("leeds@example.org", "organiser", "town:Leeds"),
    ):
        do_create_user(app, email=email, display_name="Staff", password=PASSWORD, role=role,
                       scope=scope)  # fmt: skip
    return found


@pytest.fixture
def web(app: App, movement: Movement) -> FastAPI:
    return create_app(app)


async def signed_in(web: FastAPI, email: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        page = await c.get("/sign-in")
        r = await c.post("/sign-in", data={"email": email, "password": PASSWORD,
                                          "csrf_token": csrf_from(page.text)})  # fmt: skip
        assert r.status_code == 303, r.text
        yield c


@pytest.fixture
async def walk_moderator(web):
    async for c in signed_in(web, "walk@example.org"):
        yield c


@pytest.fixture
async def leeds_organiser(web):
    async for c in signed_in(web, "leeds@example.org"):
        yield c


def audit_rows(app: App, action: str) -> list[AuditEvent]:
    with app.reading() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


async def test_finding_4_an_initiative_moderator_gets_404_for_other_stories(
    walk_moderator: httpx.AsyncClient, movement: Movement
):
    queue = await walk_moderator.get("/stories/moderate")
    assert queue.status_code == 200
    assert "Leeds ward" in queue.text and "York ward" not in queue.text and "Mine" not in queue.text
    assert (await walk_moderator.get(f"/stories/{movement.leeds_story}/review")).status_code == 200
    for other in (movement.york_story, movement.nobodys_story):
        url = f"/stories/{other}/review"
        assert (await walk_moderator.get(url)).status_code == 404
        page = await walk_moderator.get(f"/stories/{movement.leeds_story}/review")
        form = {"step": "request_changes", "csrf_token": csrf_from(page.text)}
        acted = await walk_moderator.post(url, data=form)
        assert acted.status_code == 404


async def test_finding_4_a_town_organiser_sees_only_in_town_member_names(
    leeds_organiser: httpx.AsyncClient, app: App
):
    page = await leeds_organiser.get("/initiatives/walk-leeds")
    assert page.status_code == 200
    assert "Amy Leeds" in page.text and "Yan York" not in page.text


async def test_finding_4_a_town_organiser_cannot_add_another_towns_story_to_a_pack(
    leeds_organiser: httpx.AsyncClient, movement: Movement
):
    page = await leeds_organiser.get("/stories/packs")
    made = await leeds_organiser.post("/stories/packs", data={
        "title": "Listening", "csrf_token": csrf_from(page.text)})  # fmt: skip
    pack_url = made.headers["location"]
    pack = await leeds_organiser.get(pack_url)
    assert "Leeds ward" in pack.text and "York ward" not in pack.text
    token = csrf_from(pack.text)
    refused = await leeds_organiser.post(pack_url, data={"story_id": movement.york_story,
                                                         "csrf_token": token})  # fmt: skip
    assert refused.status_code == 404
    await leeds_organiser.post(pack_url, data={"story_id": movement.leeds_story,
                                               "csrf_token": token})  # fmt: skip
    md = await leeds_organiser.get(pack_url + "/export.md")
    assert "Leeds ward" in md.text and "York ward" not in md.text


async def test_finding_7_story_review_and_member_names_leave_one_audit_row_each(
    walk_moderator: httpx.AsyncClient, leeds_organiser: httpx.AsyncClient,
    movement: Movement, app: App,
):  # fmt: skip
    await walk_moderator.get(f"/stories/{movement.leeds_story}/review")
    [review] = audit_rows(app, "stories.review")
    assert (review.actor, review.subject_type, review.subject_id) == (
        "walk@example.org", "story", str(movement.leeds_story))  # fmt: skip
    await walk_moderator.get("/stories/moderate")
    [queue] = audit_rows(app, "stories.queue")
    assert queue.actor == "walk@example.org" and queue.detail == {"stories": 1}
    await leeds_organiser.get("/initiatives/walk-leeds")
    [members] = audit_rows(app, "initiatives.members")
    assert (members.actor, members.subject_id, members.detail) == (
        "leeds@example.org", "walk-leeds", {"members": 1})  # fmt: skip
