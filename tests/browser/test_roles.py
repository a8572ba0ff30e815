"""The Leadership page in a real browser: accessible, signed in or not, with and without JS."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict

pytestmark = pytest.mark.browser
EMAIL = "browser-roles-admin@example.org"
PASSWORD = "three random words"


@pytest.fixture(scope="module")
def admin(movement: App) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(
            movement, email=EMAIL, display_name="Rhea Admin", password=PASSWORD,
            role="admin", scope="*",
        )  # fmt: skip
    return EMAIL


def sign_in(page: Any) -> None:
    page.goto("/sign-in?next=/roles")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_anonymous_visitors_see_the_aggregates(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/network")
    page.get_by_role("link", name="Leadership:").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Leadership"
    assert page.locator("#indicator-table").is_visible()
    assert page.get_by_role("heading", name="Unreached communities").is_visible()
    assert page.get_by_role("link", name="Sign in as an organiser").is_visible()
    assert page.locator("#picture").count() == 0
    assert_accessible(page)
    assert console_errors == []


def test_signed_in_the_people_and_the_picture(
    page: Any, admin: str, console_errors: list[str], assert_accessible: Callable[..., None]
):
    sign_in(page)
    assert page.url.endswith("/roles")
    assert page.locator("#role-organiser tbody tr").count() >= 1
    picture = page.get_by_role("img", name="People with a role and their ties")
    assert picture.is_visible() and picture.locator("circle").count() >= 20
    page.get_by_text("The people in the picture, as a table").click()
    assert page.locator("#picture-table").is_visible()
    page.get_by_label("Show").select_option("mobiliser")
    page.get_by_role("button", name="Show").click()
    assert "role=mobiliser" in page.url and page.locator("#role-organiser").count() == 0
    assert_accessible(page)
    assert console_errors == []


def test_works_without_javascript(page_without_js: Any, admin: str):
    page = page_without_js
    sign_in(page)
    assert page.url.endswith("/roles")
    assert page.locator("#role-mobiliser").is_visible()
    assert page.get_by_role("img", name="People with a role and their ties").is_visible()
    page.get_by_label("Show").select_option("connector")
    page.get_by_role("button", name="Show").click()
    assert "role=connector" in page.url and page.locator("#role-connector").is_visible()


PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    page.wait_for_load_state()  # measured before the style sheets apply, any table is wide
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{page.url} is {width} px wide on a {PHONE['width']} px phone: "
        + page.locator("main").inner_text()[:300]
    )


def test_finding_roles_page_is_no_wider_than_a_phone(
    page: Any, admin: str, console_errors: list[str], assert_accessible: Callable[..., None]
):
    """Issue 15: /roles was 770 px wide on a 390 px phone (the indicator table)."""
    page.set_viewport_size(PHONE)
    page.goto("/roles")
    _fits(page)
    # The wide tables scroll inside their own region, which a keyboard can reach.
    region = page.get_by_role("region", name="Indicators by quarter table")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert_accessible(page)
    sign_in(page)
    assert page.url.endswith("/roles")
    _fits(page)
    page.get_by_text("The people in the picture, as a table").click()
    _fits(page)
    assert_accessible(page)
    page.goto("/roles?role=organiser")
    _fits(page)
    assert console_errors == []
