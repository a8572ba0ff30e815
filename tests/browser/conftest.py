"""Browser fixtures: the real server over a SQLite movement, driven by Debian's Chromium.

Reusable by every page's tests::

    @pytest.mark.browser
    def test_something(page, base_url, assert_accessible):
        page.goto(base_url + "/network")
        assert_accessible(page)

Without /usr/bin/chromium the tests skip, except under CI (``CI`` set), where a
missing browser is a failure rather than a silent skip.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import func, select

from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store import models
from groundswell.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# People in the demo movement when the demo generator is available: big enough
# to look real, small enough to build in seconds.
DEMO_PEOPLE = 1_500
SERIOUS = ("serious", "critical")

COUNTED = {
    "people": models.Person,
    "ties": models.Tie,
    "initiatives": models.Initiative,
    "conversations": models.Conversation,
    "statements": models.Statement,
    "votes": models.Vote,
    "activity_logs": models.ActivityLog,
    "stories": models.Story,
    "survey_responses": models.SurveyResponse,
}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing under CI: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package to run browser tests")


def _populate(gs: App) -> str:
    """Fill the database: the demo movement when it exists, else the small sample."""
    if importlib.util.find_spec("groundswell.actions.demo") is not None:
        from groundswell.actions.demo import do_build_demo

        do_build_demo(gs, seed=7, people=DEMO_PEOPLE)
        return "demo"
    sample = Path(__file__).resolve().parents[1] / "web" / "sample_movement.py"
    spec = importlib.util.spec_from_file_location("groundswell_sample_movement", sample)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.add_sample_movement(gs)
    return "sample"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def movement(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A SQLite database file holding a movement, shared by the whole browser session."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser-db")
    gs = App.build(load_settings({}, data_dir=folder, database_url=f"sqlite:///{folder / 'gs.db'}"))
    gs.upgrade()
    _populate(gs)
    yield gs
    gs.close()


@pytest.fixture(scope="session")
def expected_counts(movement: App) -> dict[str, int]:
    """Counts read straight from the database, to compare with what pages show."""
    with movement.reading() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in COUNTED.items()
        }


@pytest.fixture(scope="session")
def web_app(movement: App) -> Any:
    """The FastAPI app the browser talks to (a test may lift its rate limits, and restore them)."""
    return create_app(movement)


@pytest.fixture(scope="session")
def base_url(web_app: Any) -> Iterator[str]:
    """The real app on uvicorn, in a background thread on a free port."""
    port = _free_port()
    config = uvicorn.Config(
        web_app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="groundswell-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"the test server did not start on port {port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # One browser a module, not a session: Playwright's sync API marks its event loop
    # as running in this thread for as long as it lives, and the async web tests'
    # runner (anyio) refuses to start or close beside it. A module's tests run
    # together on one xdist worker (--dist loadfile), so each module starts and
    # stops its own browser and leaves the thread clean for the next module.
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and failed requests seen by ``page`` (CSP violations show here)."""
    return []


def _failed(request: Any, errors: list[str]) -> None:
    # A request the browser dropped because the page moved on (a form posted
    # while the favicon loaded) is not a fault; refused or broken ones are.
    if request.failure != "net::ERR_ABORTED":
        errors.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def page(browser: Any, base_url: str, console_errors: list[str]) -> Iterator[Any]:
    """A fresh page with JavaScript on, in its own browser context."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda exc: console_errors.append(str(exc)))
    tab.on("requestfailed", lambda r: _failed(r, console_errors))
    yield tab
    context.close()


@pytest.fixture
def page_without_js(browser: Any, base_url: str) -> Iterator[Any]:
    """A page in a context with JavaScript turned off."""
    context = browser.new_context(
        base_url=base_url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def check_accessible(page: Any, impacts: tuple[str, ...] = SERIOUS) -> None:
    """Fail with a readable list if axe finds violations of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = [v for v in results.response["violations"] if v.get("impact") in impacts]
    if found:
        lines = [
            f"{v['impact']}: {v['id']} – {v['help']} ({len(v['nodes'])} element(s), e.g. "
            f"{v['nodes'][0]['target']})"
            for v in found
        ]
        pytest.fail(f"accessibility violations on {page.url}:\n" + "\n".join(lines))


@pytest.fixture
def assert_accessible() -> Callable[..., None]:
    """``assert_accessible(page)``: no serious or critical axe violations on the page."""
    return check_accessible
