"""Who sees what: a table of role x endpoint x expected status, and an organiser's scope."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import ROLES, add_users, client_for, fast_hashing  # noqa: F401
from fastapi import FastAPI

from groundswell.app import App

pytestmark = pytest.mark.anyio

PUBLIC = ["/", "/conversations", "/network", "/measures", "/campaigns", "/stories",
          "/initiatives", "/accessibility", "/sign-in", "/api/v1/stats",
          "/api/v1/conversations", "/api/v1/network"]  # fmt: skip
#            anonymous participant organiser moderator admin
TABLE = {
    "/account": (303, 200, 200, 200, 200),
    "/admin/users": (303, 403, 403, 403, 200),
    "/api/v1/people": (401, 403, 200, 403, 200),
    **{path: (200, 200, 200, 200, 200) for path in PUBLIC},
}


@pytest.fixture
async def as_role(
    request: pytest.FixtureRequest, web: FastAPI, app: App
) -> AsyncIterator[httpx.AsyncClient]:
    add_users(app)
    async for client in client_for(web, request.param):
        yield client


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
async def test_role_x_endpoint(as_role: httpx.AsyncClient, request: pytest.FixtureRequest):
    role = request.node.callspec.params["as_role"]
    column = ROLES.index(role)
    got = {path: (await as_role.get(path)).status_code for path in TABLE}
    want = {path: statuses[column] for path, statuses in TABLE.items()}
    assert got == want, role


@pytest.mark.parametrize("as_role", ["anonymous"], indirect=True)
async def test_anonymous_page_goes_to_sign_in_and_comes_back(as_role: httpx.AsyncClient):
    response = await as_role.get("/admin/users?sort=email")
    assert response.headers["location"] == "/sign-in?next=/admin/users%3Fsort%3Demail"
    api = await as_role.get("/api/v1/people")
    assert api.json() == {"detail": "sign in to see this"}


@pytest.mark.parametrize("as_role", ["organiser"], indirect=True)
async def test_organiser_sees_only_their_towns_people(as_role: httpx.AsyncClient):
    people = (await as_role.get("/api/v1/people")).json()
    # The sample movement puts odd-numbered people in Leeds, even in Bradford.
    assert [p["ref"] for p in people] == ["p01", "p03", "p05", "p07", "p09", "p11"]
    assert {p["town"] for p in people} == {"Leeds"}


@pytest.mark.parametrize("as_role", ["admin"], indirect=True)
async def test_admin_sees_everyone_and_the_user_list(
    as_role: httpx.AsyncClient, expected: dict[str, int]
):
    people = (await as_role.get("/api/v1/people", params={"limit": 1000})).json()
    assert len(people) == expected["people"]
    page = await as_role.get("/admin/users")
    for email in ("pat@example.org", "olu@example.org", "mo@example.org", "ada@example.org"):
        assert email in page.text
    assert "organiser (town:Leeds)" in page.text


@pytest.mark.parametrize("as_role", ["participant"], indirect=True)
async def test_participant_is_told_to_ask_an_admin(as_role: httpx.AsyncClient):
    response = await as_role.get("/api/v1/people")
    assert response.status_code == 403
    assert "ask an admin" in response.json()["detail"]
