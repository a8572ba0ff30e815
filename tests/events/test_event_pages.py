"""Event pages through the real app on SQLite and PostgreSQL: RSVP, cancel, the door, forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.events import EventDetails, do_create_event
from groundswell.app import App
from groundswell.auth import passwords
from groundswell.store.models import Attendance, AuditEvent, Rsvp
from groundswell.web import create_app

PASSWORD = "three random words"
BASE = "https://testserver"
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)

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
def movement(db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]) -> App:
    add_people(db_app, [("host-1", "Morecambe"), ("other", "Leeds")])
    do_create_user(db_app, email="host@example.org", display_name="Hana", password=PASSWORD,
                   role="participant", scope="*")  # fmt: skip
    do_link_person(db_app, email="host@example.org", person="host-1")
    do_create_user(db_app, email="org@example.org", display_name="Olu", password=PASSWORD,
                   role="organiser", scope="town:Morecambe")  # fmt: skip
    do_create_user(db_app, email="far@example.org", display_name="Far", password=PASSWORD,
                   role="organiser", scope="town:Leeds")  # fmt: skip
    do_create_event(db_app, "prom-walk", EventDetails(title="Prom walk", starts_at=SOON,
                    town="Morecambe", hosts=["host-1"], capacity=2), actor="org")  # fmt: skip
    return db_app


async def client_as(movement: App, email: str | None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(movement), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        if email:
            page = await client.get("/sign-in")
            done = await client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": csrf(page.text)})  # fmt: skip
            assert done.status_code == 303, done.text
        yield client


@pytest.fixture
async def visitor(movement: App) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_as(movement, None):
        yield c


@pytest.fixture
async def host(movement: App) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_as(movement, "host@example.org"):
        yield c


async def answer(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    page = await client.get("/events/prom-walk")
    return await client.post("/events/prom-walk/rsvp", data={"csrf_token": csrf(page.text),
                                                             **form})  # fmt: skip


async def test_rsvp_without_an_account_then_cancel(
    visitor: httpx.AsyncClient, movement: App
) -> None:
    listed = await visitor.get("/events")
    assert listed.status_code == 200 and "Prom walk" in listed.text
    done = await answer(visitor, display_name="Ann", email="ann@example.org",
                        consent_contact="yes", accessibility="step-free")  # fmt: skip
    assert done.status_code == 303
    link = done.headers["location"]
    assert re.fullmatch(r"/events/prom-walk/rsvp/[A-Za-z0-9_-]+\?new=1", link)
    mine = await visitor.get(link)
    assert mine.status_code == 200 and "You are coming" in mine.text
    assert mine.headers["cache-control"] == "no-store"  # a name behind a private link
    assert 'src="data:image/svg+xml' in mine.text  # the QR code, allowed by the CSP
    cancelled = await visitor.post(link.split("?")[0] + "/cancel",
                                   data={"csrf_token": csrf(mine.text)})  # fmt: skip
    assert cancelled.status_code == 303
    assert "You cancelled" in (await visitor.get(link.split("?")[0])).text
    assert (await visitor.get("/events/prom-walk/rsvp/not-a-token")).status_code == 404


async def test_rsvp_errors_name_the_field_and_write_nothing(visitor: httpx.AsyncClient,
                                                            movement: App) -> None:  # fmt: skip
    bad = await answer(visitor, display_name="", email="nope")
    assert bad.status_code == 422
    assert 'href="#display_name"' in bad.text and "Enter your name" in bad.text
    with movement.reading() as s:
        assert s.scalar(select(func.count()).select_from(Rsvp)) == 0


async def test_capacity_puts_the_third_on_the_waiting_list(visitor: httpx.AsyncClient) -> None:
    for name in ("A", "B"):
        assert (await answer(visitor, display_name=name)).status_code == 303
    page = await visitor.get("/events/prom-walk")
    assert "Join the waiting list" in page.text
    third = await answer(visitor, display_name="C")
    assert "waiting list" in (await visitor.get(third.headers["location"])).text


async def test_the_door_with_and_without_htmx(
    visitor: httpx.AsyncClient, host: httpx.AsyncClient, movement: App
) -> None:
    await answer(visitor, display_name="Ann Lee")
    await answer(visitor, display_name="Bob Ray")
    door = await host.get("/events/prom-walk/check-in?q=lee")
    assert door.status_code == 200 and "Ann Lee" in door.text and "Bob Ray" not in door.text
    rid = re.search(r'id="rsvp-(\d+)"', door.text)
    assert rid
    token = csrf(door.text)
    # Without JavaScript: a POST and back to the list, where it was.
    plain = await host.post(f"/events/prom-walk/check-in/{rid[1]}", data={"csrf_token": token,
                            "q": "lee"})  # fmt: skip
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"#rsvp-{rid[1]}")
    # With htmx: the row comes back alone, and a second tick changes nothing.
    swapped = await host.post(f"/events/prom-walk/check-in/{rid[1]}", data={"q": ""},
                              headers={"HX-Request": "true", "X-CSRF-Token": token})  # fmt: skip
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith("<li")
    assert "Checked in" in swapped.text
    filtered = await host.get("/events/prom-walk/check-in?q=bob",
                              headers={"HX-Request": "true", "HX-Target": "door-list"})  # fmt: skip
    assert filtered.text.lstrip().startswith('<div id="door-list">') and "Bob Ray" in filtered.text
    walk = await host.post("/events/prom-walk/walk-in", data={"csrf_token": token,
                           "display_name": "Cy", "consent_contact": "yes"})  # fmt: skip
    assert walk.status_code == 303 and "added=Cy" in walk.headers["location"]
    one = await host.get(f"/events/prom-walk/check-in/{rid[1]}")
    assert one.status_code == 200 and "Ann Lee" in one.text
    closed = await host.post("/events/prom-walk/close", data={"csrf_token": token})
    assert closed.status_code == 303
    with movement.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 2
        audited = set(s.scalars(select(AuditEvent.action)))
    assert {"event.door_list", "event.check_in", "event.walk_in", "event.close"} <= audited


@pytest.mark.parametrize(("email", "status"), [(None, 303), ("far@example.org", 403)])
async def test_only_hosts_and_organisers_in_scope_run_the_door(
    movement: App, email: str | None, status: int
) -> None:
    async for client in client_as(movement, email):
        page = await client.get("/events/prom-walk/check-in")
        assert page.status_code == status
        if status == 303:
            assert page.headers["location"].startswith("/sign-in")


async def test_an_organiser_creates_and_edits_an_event(movement: App) -> None:
    async for org in client_as(movement, "org@example.org"):
        form = await org.get("/events/new")
        assert form.status_code == 200
        token = csrf(form.text)
        data = {"csrf_token": token, "title": "Bay clean-up", "slug": "bay-clean",
                "starts": "2030-05-01T10:00", "ends": "2030-05-01T09:00", "town": "Morecambe",
                "hosts": "host-1", "capacity": "", "initiative": "", "campaign": ""}  # fmt: skip
        refused = await org.post("/events/new", data=data)
        assert refused.status_code == 422 and 'href="#ends"' in refused.text
        made = await org.post("/events/new", data={**data, "ends": "2030-05-01T12:00"})
        assert made.status_code == 303 and made.headers["location"] == "/events/bay-clean"
        page = await org.get("/events/bay-clean")
        assert (
            "Wednesday 1 May 2030, 10:00 to 12:00" in page.text and "Check people in" in page.text
        )
        edit = await org.get("/events/bay-clean/edit")
        assert 'value="2030-05-01T10:00"' in edit.text
        saved = await org.post("/events/bay-clean/edit", data={**data, "ends": "",
                               "status": "cancelled", "title": "Bay clean-up (off)"})  # fmt: skip
        assert saved.status_code == 303
        assert "Cancelled" in (await org.get("/events/bay-clean")).text
    async for participant in client_as(movement, "host@example.org"):
        assert (await participant.get("/events/new")).status_code == 403
