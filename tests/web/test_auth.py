"""Sign in and out, cookies, CSRF, session expiry, rate limits and anonymous participation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from auth_helpers import (
    BASE,
    PASSWORD,
    USERS,
    add_users,
    client_for,
    csrf_from,
    fast_hashing,  # noqa: F401
    sign_in,
)
from fastapi import FastAPI
from sqlalchemy import func, select

from groundswell.actions.accounts import SWEEP_IDLE
from groundswell.app import App
from groundswell.store.models import UserSession
from groundswell.web import create_app
from groundswell.web.auth import ParticipantKey
from groundswell.web.ratelimit import RateLimiter, rate_limit

pytestmark = pytest.mark.anyio
ADMIN = USERS["admin"][0]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def anon(web: FastAPI, app: App) -> AsyncIterator[httpx.AsyncClient]:
    add_users(app)
    async for client in client_for(web, "anonymous"):
        yield client


def sessions(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(UserSession)) or 0)


async def test_sign_in_sets_a_safe_cookie_and_the_header_shows_it(
    anon: httpx.AsyncClient, app: App
):
    response = await sign_in(anon, ADMIN)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "gs_session=" in c)
    for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/", f"Max-Age={12 * 3600}"):
        assert flag in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43 and sessions(app) == 1
    page = await anon.get("/account")
    assert page.status_code == 200 and ADMIN in page.text and "Admin (everywhere)" in page.text
    home = await anon.get("/")
    assert 'href="/account">Ada' in home.text and "Sign out" in home.text


async def test_sign_out_deletes_the_session(anon: httpx.AsyncClient, app: App):
    await sign_in(anon, ADMIN)
    token = csrf_from((await anon.get("/account")).text)
    out = await anon.post("/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in?signed_out=true"
    assert any("gs_session=;" in c and "Max-Age=0" in c for c in out.headers.get_list("set-cookie"))
    assert sessions(app) == 0
    assert (await anon.get("/account")).status_code == 303
    assert "You have signed out" in (await anon.get("/sign-in?signed_out=true")).text


@pytest.mark.parametrize(
    ("email", "password", "status", "message"),
    [
        ("", "", 422, "Enter your email address"),
        (ADMIN, "", 422, "Enter your password"),
        (ADMIN, "wrong password!", 401, "Enter a correct email address and password"),
        ("nobody@example.org", PASSWORD, 401, "Enter a correct email address and password"),
    ],
)
async def test_sign_in_errors_re_render_the_form(
    anon: httpx.AsyncClient, email: str, password: str, status: int, message: str
):
    page = await anon.get("/sign-in")
    response = await anon.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == status
    assert "There is a problem" in response.text and message in response.text
    assert response.text.count("<title>Error: Sign in") == 1
    assert "gs_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("target", "lands"),
    [("/admin/users", "/admin/users"), ("//evil.example/x", "/account"),
     ("https://evil.example", "/account"), ("/\\evil", "/account")],
)  # fmt: skip
async def test_next_only_goes_to_this_site(anon: httpx.AsyncClient, target: str, lands: str):
    page = await anon.get("/sign-in", params={"next": target})
    response = await anon.post(
        "/sign-in",
        data={"email": ADMIN, "password": PASSWORD, "csrf_token": csrf_from(page.text),
              "next": target},
    )  # fmt: skip
    assert response.headers["location"] == lands


async def test_csrf_missing_or_wrong_is_refused(anon: httpx.AsyncClient, app: App):
    form = {"email": ADMIN, "password": PASSWORD}
    assert (await anon.post("/sign-in", data=form)).status_code == 403  # no visitor cookie yet
    good = csrf_from((await anon.get("/sign-in")).text)
    missing = await anon.post("/sign-in", data=form)
    assert missing.status_code == 403 and "did not come from this site" in missing.text
    wrong = await anon.post("/sign-in", data={**form, "csrf_token": good[:-2] + "xx"})
    assert wrong.status_code == 403
    assert sessions(app) == 0
    # The header works in place of the field (htmx sends it from hx-headers).
    ok = await anon.post("/sign-in", data=form, headers={"X-CSRF-Token": good})
    assert ok.status_code == 303
    # Signed in, the token is the session's own: the anonymous one no longer works.
    assert (await anon.post("/sign-out", data={"csrf_token": good})).status_code == 403
    session_token = csrf_from((await anon.get("/account")).text)
    assert session_token != good
    files = {"csrf_token": (None, session_token)}  # multipart forms are checked too
    assert (await anon.post("/sign-out", files=files)).status_code == 303


async def test_another_visitors_token_is_refused(web: FastAPI, anon: httpx.AsyncClient):
    theirs = csrf_from((await anon.get("/sign-in")).text)
    async for other in client_for(web, "anonymous"):
        await other.get("/sign-in")
        response = await other.post("/sign-in", data={"email": ADMIN, "password": PASSWORD,
                                                      "csrf_token": theirs})  # fmt: skip
        assert response.status_code == 403


async def test_pages_carry_the_token_for_htmx(anon: httpx.AsyncClient):
    page = await anon.get("/")
    token = csrf_from((await anon.get("/sign-in")).text)
    assert f'<meta name="csrf-token" content="{token}">' in page.text
    assert f"""hx-headers='{{"X-CSRF-Token": "{token}"}}'""" in page.text
    visitor = next(c for c in page.headers.get_list("set-cookie") if c.startswith("gs_visitor="))
    assert "HttpOnly" in visitor and "Secure" in visitor and "SameSite=Lax" in visitor


async def test_api_writes_need_a_session(anon: httpx.AsyncClient):
    response = await anon.post("/api/v1/people", json={})
    assert response.status_code == 401 and "X-CSRF-Token" in response.json()["detail"]
    await sign_in(anon, ADMIN)
    refused = await anon.post("/api/v1/people", json={})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("steps", "alive"),
    [
        ([59], True),  # within the idle timeout
        ([61], False),  # idle for over an hour
        ([50] * 14, True),  # busy for 11 h 40 min
        ([50] * 15, False),  # busy, but past the 12 hour lifetime
    ],
)
async def test_session_expiry(web: FastAPI, app: App, steps: list[int], alive: bool):
    clock = Clock(datetime(2026, 3, 2, 8, tzinfo=UTC))
    web.state.clock = clock
    add_users(app)
    async for client in client_for(web, "admin"):
        for minutes in steps:
            clock.now += timedelta(minutes=minutes)
            response = await client.get("/account")
        assert (response.status_code == 200) is alive
        if not alive:
            assert response.headers["location"] == "/sign-in?next=/account"
            assert "gs_session=;" in response.headers["set-cookie"]
            assert sessions(app) == 0


async def test_sign_in_is_rate_limited_per_email_and_address(anon: httpx.AsyncClient):
    token = csrf_from((await anon.get("/sign-in")).text)
    form = {"email": ADMIN, "password": "wrong password!", "csrf_token": token}
    statuses = [(await anon.post("/sign-in", data=form)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    limited = await anon.post("/sign-in", data={**form, "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "Too many attempts" in limited.text
    # Another email from the same address still gets its own attempts ...
    other = await anon.post("/sign-in", data={**form, "email": USERS["moderator"][0]})
    assert other.status_code == 401
    # ... until the address as a whole reaches four times the per-email limit.
    for i in range(14):
        await anon.post("/sign-in", data={**form, "email": f"x{i}@example.org"})
    flood = await anon.post("/sign-in", data={**form, "email": "y@example.org"})
    assert flood.status_code == 429


async def test_wrong_passwords_are_throttled_across_server_processes(app: App):
    add_users(app)
    processes = [create_app(app) for _ in range(6)]  # each with its own in-process limits
    form = {"email": ADMIN, "password": "wrong password!"}
    statuses = []
    for web in processes:
        async for client in client_for(web, "anonymous"):
            token = csrf_from((await client.get("/sign-in")).text)
            if web is not processes[-1]:
                for _ in range(2):  # under each process's own limit
                    response = await client.post("/sign-in", data={**form, "csrf_token": token})
                    statuses.append(response.status_code)
                continue
            # Ten wrong passwords in all: even the right one must now wait, in any process.
            right = await client.post(
                "/sign-in", data={**form, "password": PASSWORD, "csrf_token": token}
            )
            assert right.status_code == 429 and "Too many attempts" in right.text
            assert 1 <= int(right.headers["retry-after"]) <= 60
    assert statuses == [401] * 10


async def test_requests_are_rate_limited_and_refill(web: FastAPI):
    ticks = [0.0]
    web.state.ratelimiter = RateLimiter({"vote": 3}, clock=lambda: ticks[0])

    @web.post("/test-vote", dependencies=[rate_limit("vote")])
    def vote(participant: ParticipantKey) -> dict[str, str]:
        return {"participant": participant}

    async for client in client_for(web, "anonymous"):
        token = csrf_from((await client.get("/sign-in")).text)
        form = {"csrf_token": token}

        async def post(client: httpx.AsyncClient = client, form: dict = form) -> httpx.Response:
            return await client.post("/test-vote", data=form)

        assert [(await post()).status_code for _ in range(4)] == [200, 200, 200, 429]
        limited = await post()
        assert limited.headers["retry-after"] == "20"  # 3 a minute: one every 20 seconds
        assert "Too many votes; wait 20 seconds" in limited.text
        ticks[0] += 20
        assert (await post()).status_code == 200


async def test_anonymous_participant_key_is_stable_and_private(web: FastAPI, app: App):
    @web.get("/test-participant")
    def participant(key: ParticipantKey) -> dict[str, str]:
        return {"key": key}

    add_users(app)
    keys = []
    for _ in range(2):
        async for client in client_for(web, "anonymous"):
            first = (await client.get("/test-participant")).json()["key"]
            again = (await client.get("/test-participant")).json()["key"]
            assert first == again and len(first) == 22
            visitor = client.cookies["gs_visitor"]
            assert first not in visitor
            keys.append(first)
            # A forged cookie is ignored: a new pseudonym, not someone else's.
            client.cookies.clear()
            client.cookies.set("gs_visitor", visitor[:-3] + "abc")
            assert (await client.get("/test-participant")).json()["key"] != first
    assert keys[0] != keys[1]  # two browsers, two pseudonyms
    async for client in client_for(web, "participant"):
        signed = (await client.get("/test-participant")).json()["key"]
        assert signed not in keys


async def test_secret_key_is_kept_in_the_data_folder(app: App):
    from groundswell.web import create_app

    first = create_app(app).state.secret_key
    assert create_app(app).state.secret_key == first  # survives a restart
    key_file = app.settings.data_dir / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600


async def test_http_cookies_when_secure_is_off(tmp_path, expected):
    from groundswell.settings import load_settings
    from groundswell.web import create_app

    gs = App.build(load_settings({}, data_dir=tmp_path / "plain", cookie_secure=False,
                                 database_url=f"sqlite:///{tmp_path / 'plain.db'}"))  # fmt: skip
    gs.upgrade()
    add_users(gs)
    transport = httpx.ASGITransport(app=create_app(gs))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await sign_in(client, ADMIN)
        assert "Secure" not in response.headers["set-cookie"]
        assert (await client.get("/account")).status_code == 200
    gs.close()
    assert BASE.startswith("https")


async def test_signing_in_sweeps_expired_sessions(web: FastAPI, app: App):
    clock = Clock(datetime(2026, 3, 2, 8, tzinfo=UTC))
    web.state.clock = clock
    add_users(app)
    async for _ in client_for(web, "admin"):
        assert sessions(app) == 1
    clock.now += SWEEP_IDLE + timedelta(minutes=1)  # idle past any process's limit
    async for _ in client_for(web, "moderator"):
        assert sessions(app) == 1
