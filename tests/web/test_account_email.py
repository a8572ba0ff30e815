"""Sign-up, password reset and invitation pages: forms, links, no enumeration, throttles."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from auth_helpers import (
    PASSWORD,
    USERS,
    add_users,
    client_for,
    csrf_from,
    fast_hashing,  # noqa: F401
    sign_in,
)
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import OutboxMessage, Person, User
from groundswell.web import create_app
from groundswell.web.routes.account_email import EVEN_ANSWER_SECONDS

pytestmark = pytest.mark.anyio
ADMIN = USERS["admin"][0]
NEW_PASSWORD = "four other random words"


@pytest.fixture
async def anon(web: FastAPI, app: App) -> AsyncIterator[httpx.AsyncClient]:
    add_users(app)
    async for client in client_for(web, "anonymous"):
        yield client


def last_link(app: App, template: str) -> str:
    with app.reading() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id.desc())
        ).first()  # fmt: skip
    assert row is not None, f"no {template} email in the outbox"
    return urlsplit(str(json.loads(row.context)["link"])).path


async def post_form(client: httpx.AsyncClient, path: str, form_page: str, **data: str):
    page = await client.get(form_page)
    return await client.post(path, data={**data, "csrf_token": csrf_from(page.text)})


def text_of(html: str) -> str:
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main[: main.index("</main>")]))


async def test_sign_up_confirm_and_sign_in(anon: httpx.AsyncClient, app: App) -> None:
    page = await anon.get("/sign-in")
    assert 'href="/account/sign-up"' in page.text and 'href="/account/reset"' in page.text
    answer = await post_form(
        anon, "/account/sign-up", "/account/sign-up",
        name="Sam Jones", email="sam@example.org", password=PASSWORD,
    )  # fmt: skip
    assert answer.status_code == 200 and "Check your email" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    link = last_link(app, "verify_email")
    assert link.startswith("/account/verify/")
    shown = await anon.get(link)  # opening the link changes nothing: a scanner may fetch it
    assert shown.status_code == 200 and "Confirm and start my account" in shown.text
    with app.reading() as session:
        assert session.scalar(select(User.id).where(User.email == "sam@example.org")) is None
    confirmed = await anon.post(link, data={"csrf_token": csrf_from(shown.text)})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/sign-in?confirmed=true"
    page = await anon.get("/sign-in?confirmed=true")
    assert "Your account is ready" in page.text
    assert (await sign_in(anon, "sam@example.org")).status_code == 303
    signed_in = await anon.get("/account")
    again = await anon.post(link, data={"csrf_token": csrf_from(signed_in.text)})
    assert again.status_code == 404 and "This link no longer works" in again.text


async def test_sign_up_answers_the_same_for_a_taken_address(
    anon: httpx.AsyncClient, app: App
) -> None:
    answers = []
    for email in (ADMIN, "new.person@example.org"):
        response = await post_form(
            anon, "/account/sign-up", "/account/sign-up",
            name="Someone", email=email, password=NEW_PASSWORD,
        )  # fmt: skip
        answers.append((response.status_code, text_of(response.text).replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    with app.reading() as session:
        templates = session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id))
        assert list(templates) == ["account_exists", "verify_email"]


async def test_a_bad_sign_up_names_the_field(anon: httpx.AsyncClient) -> None:
    response = await post_form(
        anon, "/account/sign-up", "/account/sign-up",
        name="Sam", email="sam@example.org", password="short",
    )  # fmt: skip
    assert response.status_code == 422
    assert 'href="#password"' in response.text and "use at least 10" in response.text
    empty = await post_form(anon, "/account/sign-up", "/account/sign-up")
    assert empty.status_code == 422
    for field in ("name", "email", "password"):
        assert f'href="#{field}"' in empty.text


async def test_a_post_without_the_form_token_is_refused(anon: httpx.AsyncClient) -> None:
    for path in ("/account/sign-up", "/account/reset"):
        response = await anon.post(path, data={"email": ADMIN})
        assert response.status_code == 403


async def test_sign_up_can_be_turned_off(tmp_path: Path) -> None:
    settings = load_settings(
        {}, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'off.db'}", signup=False
    )
    gs = App.build(settings)
    gs.upgrade()
    try:
        async for client in client_for(create_app(gs), "anonymous"):
            page = await client.get("/account/sign-up")
            assert page.status_code == 404 and "Accounts are by invitation" in page.text
            sign_in_page = await client.get("/sign-in")
            assert 'href="/account/sign-up"' not in sign_in_page.text
            posted = await client.post(
                "/account/sign-up",
                data={"name": "S", "email": "s@example.org", "password": NEW_PASSWORD,
                      "csrf_token": csrf_from(sign_in_page.text)},
            )  # fmt: skip
            assert posted.status_code == 404
        with gs.reading() as session:
            assert session.scalars(select(OutboxMessage)).first() is None
    finally:
        gs.close()


async def test_password_reset_by_email(anon: httpx.AsyncClient, app: App) -> None:
    answer = await post_form(anon, "/account/reset", "/account/reset", email=ADMIN)
    assert answer.status_code == 200 and "Check your email" in answer.text
    link = last_link(app, "password_reset")
    form = await anon.get(link)
    assert form.status_code == 200 and ADMIN in form.text
    assert form.headers["cache-control"] == "no-store"
    short = await anon.post(link, data={"password": "short", "csrf_token": csrf_from(form.text)})
    assert short.status_code == 422 and "use at least 10" in short.text
    done = await anon.post(
        link, data={"password": NEW_PASSWORD, "csrf_token": csrf_from(form.text)}
    )
    assert done.status_code == 303 and done.headers["location"] == "/sign-in?reset=true"
    assert (await sign_in(anon, ADMIN)).status_code == 401
    assert (await sign_in(anon, ADMIN, NEW_PASSWORD)).status_code == 303
    reused = await anon.get(link)
    assert reused.status_code == 404 and "This link no longer works" in reused.text


async def test_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    anon: httpx.AsyncClient, app: App
) -> None:
    answers = []
    for email in (ADMIN, "nobody@example.org"):
        response = await post_form(anon, "/account/reset", "/account/reset", email=email)
        answers.append((response.status_code, text_of(response.text).replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    with app.reading() as session:
        assert list(session.scalars(select(OutboxMessage.to_address))) == [ADMIN]


async def test_reset_and_sign_up_take_as_long_for_a_known_address_as_an_unknown_one(
    anon: httpx.AsyncClient,
) -> None:
    async def seconds(path: str, **data: str) -> float:
        page = await anon.get(path)
        started = time.perf_counter()
        response = await anon.post(path, data={**data, "csrf_token": csrf_from(page.text)})
        assert response.status_code == 200
        return time.perf_counter() - started

    for path, extra in (("/account/reset", {}), ("/account/sign-up", {"name": "S"})):
        extra = {**extra, "password": NEW_PASSWORD} if "name" in extra else extra
        known = [await seconds(path, email=ADMIN, **extra) for _ in range(2)]
        unknown = [await seconds(path, email=f"n{i}@example.org", **extra) for i in range(2)]
        # Both wait for the same floor, so the few milliseconds of extra work do not show.
        assert min(known + unknown) >= EVEN_ANSWER_SECONDS
        assert abs(statistics.median(known) - statistics.median(unknown)) < 0.1


async def test_reset_requests_have_the_sign_in_limits(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/account/reset")
    token = csrf_from(page.text)
    codes = []
    for _ in range(7):
        response = await anon.post("/account/reset", data={"email": ADMIN, "csrf_token": token})
        codes.append(response.status_code)
    assert codes[:5] == [200] * 5 and codes[5] == 429  # GROUNDSWELL_SIGN_IN_PER_MINUTE = 5
    assert int(response.headers["retry-after"]) >= 1 and "Too many attempts" in response.text


async def test_an_admin_invites_and_the_invitee_accepts(
    web: FastAPI, app: App, anon: httpx.AsyncClient
) -> None:
    with app.reading() as session:
        ref = session.scalars(select(Person.ref).order_by(Person.ref)).first()
    assert ref is not None
    async for admin in client_for(web, "admin"):
        form = await admin.get("/admin/users/invite")
        assert form.status_code == 200
        sent = await admin.post(
            "/admin/users/invite",
            data={"email": "Olu.New@example.org", "role": "organiser", "scope": "town:Leeds",
                  "person": ref, "csrf_token": csrf_from(form.text)},
        )  # fmt: skip
        assert sent.status_code == 200 and "Invitation sent to" in sent.text
        missing = await admin.post(
            "/admin/users/invite",
            data={"email": "x@example.org", "person": "nobody-here",
                  "csrf_token": csrf_from(form.text)},
        )  # fmt: skip
        assert missing.status_code == 404 and 'href="#person"' in missing.text
    link = last_link(app, "invitation")
    offer = await anon.get(link)
    assert offer.status_code == 200 and "olu.new@example.org" in offer.text
    accepted = await anon.post(
        link, data={"name": "Olu", "password": PASSWORD, "csrf_token": csrf_from(offer.text)}
    )
    assert accepted.status_code == 303
    assert (await sign_in(anon, "olu.new@example.org")).status_code == 303
    account = await anon.get("/account")
    assert "Organiser" in account.text and "Leeds" in account.text
    with app.reading() as session:
        linked = session.scalar(
            select(Person.ref).join(User, User.person_id == Person.id)
            .where(User.email == "olu.new@example.org")
        )  # fmt: skip
    assert linked == ref


@pytest.mark.parametrize("role", ["anonymous", "organiser"])
async def test_only_admins_invite(web: FastAPI, app: App, role: str) -> None:
    add_users(app)
    async for client in client_for(web, role):
        page = await client.get("/admin/users/invite")
        assert page.status_code in (303, 401, 403)
        posted = await client.post("/admin/users/invite", data={"email": "x@example.org"})
        assert posted.status_code in (401, 403)
    with app.reading() as session:
        assert session.scalars(select(OutboxMessage)).first() is None


async def test_a_signed_in_account_links_its_record_through_its_address(
    web: FastAPI, app: App
) -> None:
    add_users(app)
    participant = USERS["participant"][0]
    with app.transaction() as session:
        session.add(Person(ref="self-17", email=participant, consent_contact=True))
    async for client in client_for(web, "participant"):
        account = await client.get("/account")
        assert "Link my record" in account.text
        sent = await client.post("/account/link", data={"csrf_token": csrf_from(account.text)})
        assert sent.status_code == 200 and "Check your email" in sent.text
        link = last_link(app, "link_record")
        page = await client.get(link)
        assert page.status_code == 200 and participant in page.text
        done = await client.post(link, data={"csrf_token": csrf_from(page.text)})
        assert done.status_code == 200 and "Your record is linked" in done.text
    with app.reading() as session:
        linked = session.scalar(
            select(Person.ref).join(User, User.person_id == Person.id)
            .where(User.email == participant)
        )  # fmt: skip
    assert linked == "self-17"
