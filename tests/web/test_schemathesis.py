"""Property-based check: every /api/v1 operation and form POST, fed generated input, never 5xx.

Schemathesis reads the app's own OpenAPI schema and calls the app in process.
The page forms are left out of the public schema, so a second schema is made
from the same routes for the POST operations (and the vote route, a plain
Starlette endpoint, by hand); each is fed both valid and invalid input
(schemathesis' positive and negative modes: ids past their bounds, wrong
types, missing fields) with the form's CSRF token in the header. Examples are
bounded and derandomized (a fixed seed per operation), so a run is repeatable
in CI; each operation is tried signed out and signed in as an admin (a session
cookie from the real sign-in form).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest
import schemathesis
from auth_helpers import BASE, FAST, USERS, add_users, csrf_from, sign_in
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from sample_movement import add_sample_movement
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from groundswell.app import App
from groundswell.auth import passwords
from groundswell.settings import load_settings
from groundswell.web import create_app
from groundswell.web.auth import SESSION_COOKIE

OPENAPI = "/api/v1/openapi.json"
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


async def admin_session(web) -> str:
    """Sign the admin in through the real form; their session cookie."""
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as browser:
        signed = await sign_in(browser, USERS["admin"][0])
        assert signed.status_code == 303, signed.text
        cookie = browser.cookies.get(SESSION_COOKIE)
    assert cookie, "signing in set no session cookie"
    return cookie


async def form_headers(web, cookie: str | None) -> dict[str, str]:
    """Cookie and CSRF header of a visitor (no session) or of the admin's session."""
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as browser:
        if cookie:
            browser.cookies.set(SESSION_COOKIE, cookie)
        token = csrf_from((await browser.get("/conversations/what-would-help")).text)
        jar = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return {"Cookie": jar, "X-CSRF-Token": token}


@dataclass(frozen=True)
class Shown(RouteContext):
    """A route as the schema would describe it were it public (the page forms are not)."""

    @property
    def include_in_schema(self) -> bool:
        return True


SKIPPED_FORMS = {"/sign-out"}  # would end the admin session the other operations use
VOTE_FORM = {  # the vote route is a plain Starlette endpoint: its form, described by hand
    "post": {
        "parameters": [{"name": "slug", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "required": ["tid", "vote"], "properties": {
                "tid": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                "vote": {"type": "string", "enum": ["agree", "disagree", "pass"]},
            }}}}},
        "responses": {"303": {"description": "taken"}},
    }
}  # fmt: skip


def forms_schema(web) -> dict:
    """An OpenAPI document of every POST form the app routes, hidden from the public one."""
    posts = [
        Shown(context.route, context._route_context)
        for context in iter_route_contexts(web.routes)
        if isinstance(context.original_route, APIRoute)
        and "POST" in (context.methods or ())
        and context.path not in SKIPPED_FORMS
    ]
    document = get_openapi(title="Groundswell forms", version="1", routes=posts)
    document["paths"]["/conversations/{slug}/vote"] = VOTE_FORM
    return document


@pytest.fixture(scope="module")
def movement(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, str]]:
    """The sample movement with its users, and an admin's session cookie."""
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    gs = App.build(load_settings({}, data_dir=folder, database_url=f"sqlite:///{folder / 'gs.db'}"))
    gs.upgrade()
    add_sample_movement(gs)
    was, passwords._HASHER = passwords._HASHER, FAST  # quick hashing for the module's users
    try:
        add_users(gs)
        cookie = anyio.run(admin_session, create_app(gs))
    finally:
        passwords._HASHER = was
    yield gs, cookie
    gs.close()


@pytest.fixture(scope="module")
def api_schema(movement: tuple[App, str]):
    return schemathesis.openapi.from_asgi(OPENAPI, create_app(movement[0]))


@pytest.fixture(scope="module")
def forms(movement: tuple[App, str]):
    web = create_app(movement[0])
    limits = web.state.ratelimiter.limits
    limits.update({name: 10**9 for name in limits})  # the input is under test, not the limits
    loaded = schemathesis.openapi.from_dict(forms_schema(web))
    loaded.app = web
    return loaded, web


def check_every_operation(
    api_schema,
    headers: dict[str, str],
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE,),
) -> list[str]:
    """Run each operation's bounded examples; the failures, one line per operation."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in modes:

            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case) -> None:
                case.call_and_validate(checks=[not_a_server_error], headers=headers)

            try:
                check()
            except Unsatisfiable:  # nothing in the operation to make invalid (no fields)
                continue
            except Exception as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_operation_answers_a_server_error(api_schema, movement, role: str) -> None:
    headers = {} if role == "anonymous" else {"Cookie": f"{SESSION_COOKIE}={movement[1]}"}
    failures = check_every_operation(api_schema, headers)
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_form_post_answers_a_server_error(forms, movement, role: str) -> None:
    schema, web = forms
    headers = anyio.run(form_headers, web, None if role == "anonymous" else movement[1])
    failures = check_every_operation(schema, headers, tuple(GenerationMode))
    assert not failures, "\n\n".join(failures)


def test_the_forms_schema_lists_every_form(forms) -> None:
    posts = {result.ok().path for result in forms[0].get_all_operations()}
    assert {"/conversations/{slug}/vote", "/stories/share", "/stories/packs/{pack_id}",
            "/sign-in", "/conversations/{slug}/statements"} <= posts  # fmt: skip
    assert len(posts) >= 14


def test_schema_lists_the_api(api_schema) -> None:
    # Guard against a schema that silently loses its operations (the checks above would pass).
    paths = {result.ok().path for result in api_schema.get_all_operations()}
    assert {f"/api/v1/{name}" for name in ("stats", "conversations", "people")} <= paths
