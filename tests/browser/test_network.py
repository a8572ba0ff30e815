"""The Network page in a real browser: the picture, its keyboard links, tables, accessible."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict

pytestmark = pytest.mark.browser
EMAIL = "browser-network-admin@example.org"
PASSWORD = "three random words"


@pytest.fixture(scope="module")
def admin(movement: App) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(
            movement, email=EMAIL, display_name="Nia Admin", password=PASSWORD,
            role="admin", scope="*",
        )  # fmt: skip
    return EMAIL


def _fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_finding_network_has_no_stale_coming_next_box(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    """Issue 15: /network said "Coming next" about the 3%, which has its own page."""
    page.goto("/network")
    assert "Coming next" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Find the 3%").click()
    page.wait_for_url("**/network/seeds")
    assert page.get_by_role("heading", level=1).count() == 1
    page.go_back()
    _fits_a_phone(page)
    assert_accessible(page)
    assert console_errors == []


def test_communities_open_from_the_keyboard_and_the_table(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/network")
    picture = page.locator(".gs-net-picture svg")
    links = picture.locator("a")
    assert links.count() >= 2  # the demo movement is drawn as communities
    assert page.locator("#communities-table tbody tr").count() >= links.count()
    assert_accessible(page)
    # Tab reaches the picture's links; Enter opens the community.
    links.first.focus()
    focused = page.evaluate("document.activeElement.closest('svg') !== null")
    assert focused
    name = page.evaluate("document.activeElement.querySelector('title').textContent")
    assert name.startswith("Community 1:")
    page.keyboard.press("Enter")
    page.wait_for_url("**/network?community=1")
    assert "person by person" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.locator(".gs-net-picture svg circle").count() >= 10
    assert_accessible(page)
    _fits_a_phone(page)
    assert_accessible(page)
    assert console_errors == []


def test_signed_in_people_named_and_seeds_marked(
    page: Any, admin: str, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/sign-in?next=/network?community=2")
    page.get_by_label("Email address").fill(admin)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/network?community=2")
    page.get_by_role("link", name="Mark the seeds").click()
    page.wait_for_selector("#people-table", timeout=120_000)
    rows = page.locator("#people-table tbody tr")
    assert rows.count() >= 10
    person = page.locator(".gs-net-picture svg a").first
    title = person.locator("title").text_content() or ""
    assert "community 2" in title
    person.focus()
    page.keyboard.press("Enter")  # the node's link leads to its row in the table
    assert page.url.split("#")[1].startswith("person-")
    assert_accessible(page)
    _fits_a_phone(page)
    assert_accessible(page)
    assert console_errors == []
