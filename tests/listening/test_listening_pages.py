"""Listening pages through the real app on SQLite and PostgreSQL: organiser, host, gate, forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user
from groundswell.actions.listening import ListeningDetails, do_add_host, do_create_listening
from groundswell.actions.listening_imports import do_import_comments
from groundswell.app import App
from groundswell.auth import passwords
from groundswell.settings import load_settings
from groundswell.store.models import AuditEvent, Comment, HarvestNote, NoteStatus
from groundswell.web import create_app
from groundswell.web.ratelimit import RateLimiter

PASSWORD = "three random words"
BASE = "https://testserver"
PHONE = "Ring Jo on 07700 900123, she runs the walks"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                             parallelism=1))  # fmt: skip


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture
def heard(db_app: App) -> App:
    for email, role, scope in (("org@example.org", "organiser", "town:Morecambe"),
                               ("far@example.org", "organiser", "town:Leeds"),
                               ("host@example.org", "participant", "*"),
                               ("cohost@example.org", "participant", "*"),
                               ("other@example.org", "participant", "*")):  # fmt: skip
        do_create_user(db_app, email=email, display_name=email.split("@")[0].title(),
                       password=PASSWORD, role=role, scope=scope)  # fmt: skip
    details = ListeningDetails(title="Moving more", question="What would help you be more active?",
                               town="Morecambe")  # fmt: skip
    do_create_listening(db_app, "moving-more", details, tables=["Table 1", "Table 2"], actor="t")
    do_add_host(db_app, "moving-more", "host@example.org", table="Table 2", actor="t")
    do_add_host(db_app, "moving-more", "cohost@example.org", table="Table 2", actor="t")
    return db_app


async def client_as(
    app: App, email: str | None, limit: int = 10
) -> AsyncIterator[httpx.AsyncClient]:
    web = create_app(app)
    settings = load_settings({}, submissions_per_minute=limit)
    web.state.ratelimiter = RateLimiter.from_settings(settings, clock=lambda: 0.0)
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        if email:
            page = await client.get("/sign-in")
            done = await client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": csrf(page.text)})  # fmt: skip
            assert done.status_code == 303, done.text
        yield client


@pytest.fixture
async def org(heard: App) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_as(heard, "org@example.org"):
        yield c


@pytest.fixture
async def host(heard: App) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_as(heard, "host@example.org"):
        yield c


@pytest.fixture
async def cohost(heard: App) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_as(heard, "cohost@example.org"):
        yield c


async def add_note(client: httpx.AsyncClient, text: str, *, htmx: bool = False) -> httpx.Response:
    page = await client.get("/listening/moving-more/notes")
    table = re.search(r'name="table" value="(\d*)"', page.text)
    assert table is not None
    headers = {"HX-Request": "true", "HX-Target": "note-area"} if htmx else {}
    return await client.post("/listening/moving-more/notes", headers=headers,
                             data={"csrf_token": csrf(page.text), "text": text,
                                   "table": table.group(1)})  # fmt: skip


async def test_organiser_sets_up_an_event_from_the_list_page(org: httpx.AsyncClient) -> None:
    assert 'href="/listening">Listening events' in (await org.get("/admin")).text
    page = await org.get("/listening")
    assert page.status_code == 200 and "Moving more" in page.text
    assert "Set up a listening event" in page.text
    form = {"csrf_token": csrf(page.text), "title": "Buses", "slug": "buses-june",
            "question": "What would get you on the bus?", "questions": "Times?\n\nFares?",
            "tables": "Table A\nTable B", "town": "Morecambe", "held_on": "2026-06-01",
            "event": ""}  # fmt: skip
    bad = await org.post("/listening", data={**form, "held_on": "June"})
    assert bad.status_code == 422 and 'href="#held_on"' in bad.text and "is not a date" in bad.text
    far = await org.post("/listening", data={**form, "town": "Leeds"})
    assert far.status_code == 422 and 'href="#town"' in far.text
    made = await org.post("/listening", data=form)
    assert made.status_code == 303 and made.headers["location"] == "/listening/buses-june"
    shown = await org.get("/listening/buses-june")
    assert "What would get you on the bus?" in shown.text and "Fares?" in shown.text
    assert "Table A" in shown.text and "Table B" in shown.text
    taken = await org.post("/listening", data=form)
    assert taken.status_code == 409 and 'href="#slug"' in taken.text


async def test_notes_without_javascript_post_redirect_get(host: httpx.AsyncClient) -> None:
    page = await host.get("/listening/moving-more/notes")
    assert page.status_code == 200 and "Notes from Table 2" in page.text
    done = await add_note(host, "More benches on the prom")
    assert done.status_code == 303
    assert re.fullmatch(r"/listening/moving-more/notes\?table=\d+&added=\d+#notes",
                        done.headers["location"])  # fmt: skip
    back = await host.get(done.headers["location"])
    assert "Your note was added." in back.text and "More benches on the prom" in back.text
    held = await add_note(host, PHONE)
    shown = await host.get(held.headers["location"])
    assert "held for an organiser because it seems to contain a phone number" in shown.text
    assert "Held for an organiser" in shown.text  # its author sees it, marked
    empty = await add_note(host, "  ")
    assert empty.status_code == 422 and "Write the note before adding it" in empty.text


async def test_notes_with_htmx_swap_the_note_area(host: httpx.AsyncClient, heard: App) -> None:
    swapped = await add_note(host, "Buses after 6pm", htmx=True)
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith('<div id="note-area">')
    assert "<html" not in swapped.text and "Buses after 6pm" in swapped.text
    assert "Your note was added." in swapped.text
    held = await add_note(host, "NHS number 943 476 5919", htmx=True)
    assert "seems to contain an NHS number" in held.text
    error = await add_note(host, "", htmx=True)
    assert error.status_code == 200 and "Write the note before adding it" in error.text
    with heard.reading() as s:
        statuses = s.scalars(select(HarvestNote.status).order_by(HarvestNote.id)).all()
    assert statuses == [NoteStatus.VISIBLE, NoteStatus.PENDING]


async def test_a_held_note_reaches_others_only_once_released(
    host: httpx.AsyncClient, cohost: httpx.AsyncClient, org: httpx.AsyncClient
) -> None:
    await add_note(host, PHONE)
    assert "07700" not in (await cohost.get("/listening/moving-more/notes")).text
    page = await org.get("/listening/moving-more")
    assert "Held for review" in page.text and "Seems to contain a phone number" in page.text
    note_id = re.search(r"/listening/moving-more/notes/(\d+)/release", page.text)
    assert note_id is not None
    done = await org.post(f"/listening/moving-more/notes/{note_id.group(1)}/release",
                          data={"csrf_token": csrf(page.text)})  # fmt: skip
    assert done.status_code == 303
    assert "released" in (await org.get(done.headers["location"])).text
    assert "07700 900123" in (await cohost.get("/listening/moving-more/notes")).text
    again = await org.post(f"/listening/moving-more/notes/{note_id.group(1)}/reject",
                           data={"csrf_token": csrf(page.text)})  # fmt: skip
    assert "not held" in (await org.get(again.headers["location"])).text


async def test_who_may_see_what(heard: App, host: httpx.AsyncClient) -> None:
    async for visitor in client_as(heard, None):
        away = await visitor.get("/listening/moving-more/notes")
        assert away.status_code == 303 and away.headers["location"].startswith("/sign-in")
        assert (await visitor.get("/listening")).status_code == 303
    async for other in client_as(heard, "other@example.org"):
        assert (await other.get("/listening/moving-more/notes")).status_code == 403
        assert (await other.get("/listening/moving-more")).status_code == 403
        listed = await other.get("/listening")
        assert "Moving more" not in listed.text and "Set up a listening event" not in listed.text
    async for far in client_as(heard, "far@example.org"):
        assert (await far.get("/listening/moving-more")).status_code == 403
    # A host (not an organiser) is sent to the page they use.
    sent = await host.get("/listening/moving-more")
    assert sent.status_code == 303 and sent.headers["location"] == "/listening/moving-more/notes"
    page = await host.get("/listening/moving-more/notes")
    forged = await host.post("/listening/moving-more/tables",
                             data={"csrf_token": csrf(page.text), "table": "Mine"})  # fmt: skip
    assert forged.status_code == 403
    no_token = await host.post("/listening/moving-more/notes", data={"text": "Hi"})
    assert no_token.status_code == 403
    with heard.reading() as s:
        assert s.scalar(select(func.count()).select_from(HarvestNote)) == 0
        audited = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "listening.host_notes",
            AuditEvent.actor == "host@example.org"))  # fmt: skip
    assert audited and audited >= 1


async def test_tables_hosts_and_import_forms(org: httpx.AsyncClient, heard: App) -> None:
    page = await org.get("/listening/moving-more")
    token = csrf(page.text)
    added = await org.post("/listening/moving-more/tables", data={"csrf_token": token,
                                                                  "table": "Table 3"})  # fmt: skip
    assert added.status_code == 303
    blank = await org.post("/listening/moving-more/tables", data={"csrf_token": token,
                                                                  "table": " "})  # fmt: skip
    assert blank.status_code == 422 and 'href="#table"' in blank.text
    host = await org.post("/listening/moving-more/hosts", data={
        "csrf_token": token, "email": "other@example.org", "host_table": "Table 3"})  # fmt: skip
    assert host.status_code == 303
    assert "Other (other@example.org): Table 3" in (await org.get("/listening/moving-more")).text
    nobody = await org.post("/listening/moving-more/hosts", data={
        "csrf_token": token, "email": "who@example.org", "host_table": ""})  # fmt: skip
    assert nobody.status_code == 422 and "groundswell users invite" in nobody.text
    good = ("flip.csv", b"table,text\nTable 1,Benches\nTable 3,Call 07700 900123\n", "text/csv")
    done = await org.post("/listening/moving-more/import", data={"csrf_token": token},
                          files={"file": good})  # fmt: skip
    assert done.status_code == 303
    shown = await org.get(done.headers["location"])
    assert "2 notes imported from flip.csv, 1 held for review" in shown.text
    bad = ("typed.csv", b"table,text\nTable 1,Fine\nTable 9,Bad\n", "text/csv")
    refused = await org.post("/listening/moving-more/import", data={"csrf_token": token},
                             files={"file": bad})  # fmt: skip
    assert refused.status_code == 422
    assert "typed.csv, line 3, field &#39;table&#39;" in refused.text
    assert "/tmp" not in refused.text
    with heard.reading() as s:
        assert s.scalar(select(func.count()).select_from(HarvestNote)) == 2


async def test_notes_are_rate_limited(heard: App) -> None:
    async for limited in client_as(heard, "host@example.org", limit=2):
        for _ in range(2):
            assert (await add_note(limited, "Benches")).status_code == 303
        assert (await add_note(limited, "Benches")).status_code == 429


async def test_held_comments_are_reviewed_by_movement_wide_organisers(
    heard: App, org: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "fft.csv"
    path.write_text("id,comment\n1,Kind staff\n2,Call me on 07700 900123\n", encoding="utf-8")
    do_import_comments(heard, path, source="fft", text_column="comment", id_column="id",
                       actor="t")  # fmt: skip
    assert (await org.get("/listening/comments")).status_code == 403  # a town's organiser
    do_create_user(heard, email="all@example.org", display_name="All", password=PASSWORD,
                   role="organiser", scope="*")  # fmt: skip
    async for everywhere in client_as(heard, "all@example.org"):
        page = await everywhere.get("/listening/comments")
        assert page.status_code == 200 and "Seems to contain a phone number" in page.text
        assert "Kind staff" not in page.text  # shown comments are counted, not listed
        found = re.search(r"/listening/comments/(\d+)/reject", page.text)
        assert found is not None
        done = await everywhere.post(found.group(0), data={"csrf_token": csrf(page.text)})
        assert done.status_code == 303
        after = await everywhere.get(done.headers["location"])
        assert f"Comment {found.group(1)} rejected." in after.text
        assert "No comments are waiting for review." in after.text
    with heard.reading() as s:
        statuses = s.scalars(select(Comment.status).order_by(Comment.id)).all()
    assert statuses == [NoteStatus.VISIBLE, NoteStatus.REJECTED]


async def test_reserved_slugs_are_refused(org: httpx.AsyncClient) -> None:
    page = await org.get("/listening")
    for slug in ("comments", "themes"):
        refused = await org.post("/listening", data={
            "csrf_token": csrf(page.text), "title": "T", "slug": slug, "question": "Q?",
            "town": "Morecambe"})  # fmt: skip
        assert refused.status_code == 422 and "taken by a page of its own" in refused.text


async def test_digits_int_refuses_are_not_numbers(host: httpx.AsyncClient) -> None:
    # "²".isdigit() is true, yet int("²") fails.
    for query in ("?table=²", "?added=²", "?table=١"):
        assert (await host.get(f"/listening/moving-more/notes{query}")).status_code == 200
    page = await host.get("/listening/moving-more/notes")
    form = {"csrf_token": csrf(page.text), "text": "Benches", "table": "²"}
    sent = await host.post("/listening/moving-more/notes", data=form)
    assert sent.status_code == 303


@pytest.mark.parametrize("name", ["..", ".", "a" * 300 + ".csv"])
async def test_any_file_name_is_imported(org: httpx.AsyncClient, name: str) -> None:
    token = csrf((await org.get("/listening/moving-more")).text)
    upload = {"file": (name, b"table,text\nTable 1,Benches\n", "text/csv")}
    done = await org.post("/listening/moving-more/import", data={"csrf_token": token}, files=upload)
    assert done.status_code == 303
    assert "1 notes imported from" in (await org.get(done.headers["location"])).text
