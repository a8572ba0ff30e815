"""Errors map once: GroundswellError -> its http_status; never a traceback on screen."""

from __future__ import annotations

import html

import httpx
import pytest
from fastapi import FastAPI

from groundswell.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.anyio


@pytest.fixture
def failing(web: FastAPI) -> FastAPI:
    """The app plus routes that fail on purpose, as pages and as API endpoints."""

    def missing() -> None:
        raise NotFound("no initiative 'x'; check the address")

    def clash() -> None:
        raise Conflict("that slug is taken; choose another")

    def bad() -> None:
        raise InvalidInput("weight must be positive; use a number above 0")

    def crash() -> None:
        raise RuntimeError("secret internals /srv/groundswell/db.py line 12")

    for prefix in ("/test-page", "/api/v1/test"):
        for name, handler in [("missing", missing), ("clash", clash), ("bad", bad)]:
            web.add_api_route(f"{prefix}/{name}", handler)
        web.add_api_route(f"{prefix}/crash", crash)
    return web


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("missing", 404, "no initiative 'x'; check the address"),
        ("clash", 409, "that slug is taken; choose another"),
        ("bad", 422, "weight must be positive; use a number above 0"),
    ],
)
async def test_groundswell_errors(
    failing: FastAPI, client: httpx.AsyncClient, name: str, status: int, message: str
):
    api = await client.get(f"/api/v1/test/{name}")
    assert api.status_code == status
    assert api.json() == {"detail": message}

    page = await client.get(f"/test-page/{name}")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert message[0].upper() + message[1:] + "." in html.unescape(page.text)
    assert 'href="/"' in page.text


async def test_unexpected_error_shows_no_traceback(failing: FastAPI, client: httpx.AsyncClient):
    api = await client.get("/api/v1/test/crash")
    assert api.status_code == 500
    assert api.json() == {"detail": "internal error; the server log has the details"}
    assert api.headers["x-content-type-options"] == "nosniff"

    page = await client.get("/test-page/crash")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    for leak in ("Traceback", "RuntimeError", "secret internals"):
        assert leak not in page.text and leak not in api.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_404_page(client: httpx.AsyncClient):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert "check it is correct" in response.text
    assert 'class="nhsuk-header' in response.text  # the full layout, with navigation


async def test_finding_6_pages_give_no_command_line_advice(web: FastAPI, client: httpx.AsyncClient):
    def no_campaign() -> None:
        raise NotFound("there is no campaign 'x'; see 'groundswell campaigns list'")

    def no_contact() -> None:
        raise InvalidInput("no contact is set; add one (groundswell stories contact NAME) first")

    web.add_api_route("/test-page/no-campaign", no_campaign)
    web.add_api_route("/test-page/no-contact", no_contact)
    web.add_api_route("/api/v1/test/no-campaign", no_campaign)
    page = await client.get("/test-page/no-campaign")
    main = html.unescape(page.text.split("<main", 1)[1].split("</main>", 1)[0])
    assert page.status_code == 404 and "There is no campaign 'x'." in main
    assert "groundswell campaigns" not in main and "check it is correct" in main
    main = html.unescape((await client.get("/test-page/no-contact")).text)
    assert "No contact is set; add one first." in main and "groundswell stories" not in main
    # the API's callers and the command line keep the operator's advice
    api = await client.get("/api/v1/test/no-campaign")
    assert "groundswell campaigns list" in api.json()["detail"]


async def test_finding_6_an_unexpected_error_page_says_what_a_visitor_can_do(
    failing: FastAPI, client: httpx.AsyncClient
):
    page = await client.get("/test-page/crash")
    assert "server log" not in page.text
    assert "tell the people who run this service" in page.text
