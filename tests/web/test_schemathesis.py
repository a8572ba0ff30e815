"""Property-based API check: every /api/v1 operation, fed generated input, never answers 5xx.

Schemathesis reads the app's own OpenAPI schema and calls the app in process.
Examples are bounded and derandomized (a fixed seed per operation), so
a run is repeatable in CI; each operation is tried signed out and signed in as
an admin (a session cookie from the real sign-in form).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest
import schemathesis
from auth_helpers import BASE, FAST, USERS, add_users, sign_in
from hypothesis import HealthCheck, given, settings
from sample_movement import add_sample_movement
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


def check_every_operation(api_schema, headers: dict[str, str]) -> list[str]:
    """Run each operation's bounded examples; the failures, one line per operation."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate(checks=[not_a_server_error], headers=headers)

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_operation_answers_a_server_error(api_schema, movement, role: str) -> None:
    headers = {} if role == "anonymous" else {"Cookie": f"{SESSION_COOKIE}={movement[1]}"}
    failures = check_every_operation(api_schema, headers)
    assert not failures, "\n\n".join(failures)


def test_schema_lists_the_api(api_schema) -> None:
    # Guard against a schema that silently loses its operations (the checks above would pass).
    paths = {result.ok().path for result in api_schema.get_all_operations()}
    assert {f"/api/v1/{name}" for name in ("stats", "conversations", "people")} <= paths
