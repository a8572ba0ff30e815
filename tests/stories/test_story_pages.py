"""Story pages through the in-process client: share, moderate, pack, export, withdraw."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.erasure import do_erase
from groundswell.actions.privacy_export import subject_access_document
from groundswell.app import App
from groundswell.auth import passwords
from groundswell.store.models import Person, Story
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
PASSWORD = "three random words"
BASE = "https://testserver"  # Secure cookies travel over https only
STORY = (
    "The night staff on the labour ward were kind. Sister Jones was rude and ignored me "
    "when I said the pain was worse. Ring me on 07700 900123."
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def web(app: App, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    for email, role in (("mo@example.org", "moderator"), ("olu@example.org", "organiser")):
        do_create_user(app, email=email, display_name=role.title(), password=PASSWORD, role=role)
    return create_app(app)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def client(web: FastAPI, email: str | None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        if email:
            page = await c.get("/sign-in")
            r = await c.post("/sign-in", data={"email": email, "password": PASSWORD,
                                              "csrf_token": csrf(page.text)})  # fmt: skip
            assert r.status_code == 303, r.text
        yield c


@pytest.fixture
async def citizen(web):
    async for c in client(web, None):
        yield c


@pytest.fixture
async def moderator(web):
    async for c in client(web, "mo@example.org"):
        yield c


@pytest.fixture
async def curator(web):
    async for c in client(web, "olu@example.org"):
        yield c


async def post(c: httpx.AsyncClient, url: str, form_page: str, **data) -> httpx.Response:
    page = await c.get(form_page)
    return await c.post(url, data={**data, "csrf_token": csrf(page.text)})


async def test_share_moderate_pack_export_withdraw(citizen, moderator, curator):
    missing = await post(citizen, "/stories/share", "/stories/share", title="", body="")
    assert missing.status_code == 422 and "Enter your story" in missing.text
    shared = await post(citizen, "/stories/share", "/stories/share", title="Labour ward",
                        body=STORY, service="maternity", consent="training")  # fmt: skip
    assert shared.status_code == 303
    yours_url = shared.headers["location"]
    story_id = int(re.search(r"/stories/(\d+)/yours", yours_url).group(1))
    assert "Keep this link" in (await citizen.get(yours_url)).text
    assert (await citizen.get("/stories/moderate")).status_code in (303, 401, 403)

    review = f"/stories/{story_id}/review"
    page = await moderator.get(review)
    assert page.status_code == 200 and "3 open" in page.text  # name, staff named, phone
    refused = await post(moderator, review, review, step="approve")
    assert "flag" in (await moderator.get(refused.headers["location"])).text
    edited = STORY.replace(" Ring me on 07700 900123.", "")
    await post(moderator, review, review, step="edit", body=edited)
    for flag_id in re.findall(r'name="flag_id" value="(\d+)"', (await moderator.get(review)).text):
        await post(moderator, review, review, step="resolve", flag_id=flag_id,
                   reason="the storyteller wants the ward to know")  # fmt: skip
    done = await post(moderator, review, review, step="approve")
    assert "Approved" in (await moderator.get(done.headers["location"])).text

    made = await post(curator, "/stories/packs", "/stories/packs", title="Listening in labour",
                      learning_points="Believe women about pain")  # fmt: skip
    pack_url = made.headers["location"]
    await post(curator, pack_url, pack_url, story_id=story_id, learning_point="Listen first")
    pdf = await curator.get(pack_url + "/export.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "night staff on the labour ward" in text
    md = (await curator.get(pack_url + "/export.md")).text
    assert "Listen first" in md and "Consent trail" in md

    key = re.search(r"key=([\w-]+)", yours_url).group(1)
    gone = await post(citizen, f"/stories/{story_id}/yours", yours_url, key=key, action="withdraw")
    assert "was withdrawn" in gone.text
    html = (await curator.get(pack_url + "/export.html")).text
    assert "night staff" not in html and "Story removed" in html
    assert "night staff" not in (await citizen.get("/stories/published")).text


async def test_a_signed_in_storyteller_may_keep_a_story_with_their_record(app: App, web, citizen):
    with app.transaction() as session:
        session.add(Person(ref="teller"))
    do_create_user(app, email="pat@example.org", display_name="Pat", password=PASSWORD,
                   role="participant")  # fmt: skip
    do_link_person(app, email="pat@example.org", person="teller")
    story = {"body": "The midwife sat with me all night.", "consent": "training"}
    # Anonymous: no choice to make, and the story is linked to nobody.
    page = await citizen.get("/stories/share")
    assert 'name="keep"' not in page.text
    await post(citizen, "/stories/share", "/stories/share", title="Anonymous", **story)
    async for pat in client(web, "pat@example.org"):
        page = await pat.get("/stories/share")
        assert "Keep this story with my record" in page.text
        for title, keep in (("Kept", "yes"), ("Not kept", "")):
            r = await post(pat, "/stories/share", "/stories/share", title=title, keep=keep, **story)
            assert r.status_code == 303, r.text
    with app.reading() as session:
        tellers = dict(session.execute(select(Story.title, Story.person_id)).all())
        teller = session.scalar(select(Person.id).where(Person.ref == "teller"))
    assert tellers == {"Anonymous": None, "Kept": teller, "Not kept": None}
    # Kept with the record: in the person's data, and erased with them.
    document = subject_access_document(app, "teller", actor="test")
    assert [row["title"] for row in document["tables"]["stories"]] == ["Kept"]
    do_erase(app, "teller", actor="test")
    with app.reading() as session:
        assert sorted(session.scalars(select(Story.title))) == ["Anonymous", "Not kept"]
