"""``/join/<code>`` and "Your join link" on the account page, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.join_links import do_join_link_for
from groundswell.app import App
from groundswell.auth import passwords
from groundswell.settings import load_settings
from groundswell.store.models import JoinLink, Person, Recruitment, Tie
from groundswell.web import create_app
from groundswell.web.ratelimit import RateLimiter

PASSWORD = "three random words"
BASE = "https://testserver"

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
    add_people(db_app, [("amira", "Morecambe"), ("ben", "Lancaster")])
    do_create_user(db_app, email="amira.join@example.org", display_name="Amira",
                   password=PASSWORD, role="participant", scope="*")  # fmt: skip
    do_link_person(db_app, email="amira.join@example.org", person="amira")
    do_create_user(db_app, email="nolink.join@example.org", display_name="Nell",
                   password=PASSWORD, role="participant", scope="*")  # fmt: skip
    return db_app


@pytest.fixture
def code(movement: App) -> str:
    with movement.reading() as s:
        amira = s.scalar(select(Person.id).where(Person.ref == "amira"))
    assert amira is not None
    return do_join_link_for(movement, amira)[0]


async def client_as(
    app: App, email: str | None = None, limit: int = 10
) -> AsyncIterator[httpx.AsyncClient]:
    web = create_app(app)
    web.state.ratelimiter = RateLimiter.from_settings(
        load_settings({}, submissions_per_minute=limit), clock=lambda: 0.0
    )
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        if email:
            page = await client.get("/sign-in")
            done = await client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": csrf(page.text)})  # fmt: skip
            assert done.status_code == 303, done.text
        yield client


async def join(client: httpx.AsyncClient, code: str, **form: str) -> httpx.Response:
    page = await client.get(f"/join/{code}")
    assert page.status_code == 200
    return await client.post(f"/join/{code}", data={"csrf_token": csrf(page.text), **form})


def counts(app: App) -> tuple[int, int, int, int]:
    with app.reading() as s:
        return (
            s.scalar(select(func.count()).select_from(Person)) or 0,
            s.scalar(select(func.count()).select_from(Recruitment)) or 0,
            s.scalar(select(func.count()).select_from(Tie)) or 0,
            s.scalar(select(func.sum(JoinLink.joins))) or 0,
        )


async def test_joining_adds_a_recruit_of_the_link_owner(movement: App, code: str) -> None:
    async for visitor in client_as(movement):
        form = await visitor.get(f"/join/{code}")
        assert "Join the movement" in form.text and 'name="consent_counted"' in form.text
        done = await join(visitor, code, display_name="Cath", town="Heysham",
                          email="Cath@Example.org", consent_contact="yes")  # fmt: skip
        assert done.status_code == 303 and done.headers["location"] == f"/join/{code}/welcome"
        welcome = await visitor.get(done.headers["location"])
        assert "Thank you for joining" in welcome.text
    assert counts(movement) == (3, 1, 0, 1)  # a person and a recruitment; no tie
    with movement.reading() as s:
        cath = s.execute(select(Person).where(Person.display_name == "Cath")).scalar_one()
        recruiter = s.scalar(select(Person.ref).join(
            Recruitment, Recruitment.recruiter_id == Person.id))  # fmt: skip
        assert (cath.town, cath.email, cath.consent_contact, cath.consent_analytics) == (
            "Heysham", "cath@example.org", True, False)  # fmt: skip
    assert recruiter == "amira"


async def test_joining_again_with_the_same_email_adds_nobody_and_says_the_same(
    movement: App, code: str
) -> None:
    async for visitor in client_as(movement):
        first = await join(visitor, code, display_name="Dev", town="Morecambe",
                           email="dev@example.org")  # fmt: skip
        again = await join(visitor, code, display_name="Devi", town="Morecambe",
                           email="DEV@example.org", consent_contact="yes")  # fmt: skip
        first_page = await visitor.get(first.headers["location"])
        again_page = await visitor.get(again.headers["location"])
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert first_page.text == again_page.text
    assert counts(movement) == (3, 1, 0, 1)


async def test_an_unknown_code_is_a_plain_404(movement: App, code: str) -> None:
    async for visitor in client_as(movement):
        page = await visitor.get("/join/not-a-real-code")
        welcome = await visitor.get("/join/not-a-real-code/welcome")
        form = await visitor.get(f"/join/{code}")
        posted = await visitor.post("/join/not-a-real-code", data={
            "csrf_token": csrf(form.text), "display_name": "X", "town": "Y"})  # fmt: skip
    assert page.status_code == welcome.status_code == posted.status_code == 404
    assert "This join link is not known" in page.text
    assert counts(movement) == (2, 0, 0, 0)


async def test_errors_name_the_field_and_write_nothing(movement: App, code: str) -> None:
    async for visitor in client_as(movement):
        no_town = await join(visitor, code, display_name="Eve", town=" ")
        bad_email = await join(visitor, code, display_name="Eve", town="Bolton", email="eve@")
    assert no_town.status_code == bad_email.status_code == 422
    assert 'href="#town"' in no_town.text and "Enter the town" in no_town.text
    assert 'href="#email"' in bad_email.text and 'value="Bolton"' in bad_email.text
    assert counts(movement) == (2, 0, 0, 0)


async def test_joining_needs_the_csrf_token(movement: App, code: str) -> None:
    async for visitor in client_as(movement):
        await visitor.get(f"/join/{code}")
        refused = await visitor.post(f"/join/{code}", data={"display_name": "F", "town": "G"})
    assert refused.status_code == 403
    assert counts(movement) == (2, 0, 0, 0)


async def test_joining_is_rate_limited(movement: App, code: str) -> None:
    async for visitor in client_as(movement, limit=2):
        answers = [
            (await join(visitor, code, display_name=f"G{i}", town="Lancaster")).status_code
            for i in range(3)
        ]
    assert answers == [303, 303, 429]
    assert counts(movement) == (4, 2, 0, 2)


async def test_account_page_shows_the_persons_own_join_link(movement: App, code: str) -> None:
    async for amira in client_as(movement, "amira.join@example.org"):
        page = await amira.get("/account")
        again = await amira.get("/account")
    assert page.status_code == 200 and "Your join link" in page.text
    assert f"/join/{code}" in page.text and 'id="join-link-qr"' in page.text
    assert 'src="data:image/svg+xml' in page.text and "Nobody has joined" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert again.text.count(f"/join/{code}") == page.text.count(f"/join/{code}")
    async for nell in client_as(movement, "nolink.join@example.org"):
        unlinked = await nell.get("/account")
    assert unlinked.status_code == 200 and "Your join link" not in unlinked.text
    with movement.reading() as s:
        assert s.scalar(select(func.count()).select_from(JoinLink)) == 1
