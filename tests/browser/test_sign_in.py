"""Signing in and out in a real browser, with and without JavaScript, accessible throughout."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict

pytestmark = pytest.mark.browser
EMAIL = "browser-organiser@example.org"
PASSWORD = "three random words"


@pytest.fixture(scope="module")
def organiser(movement: App) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(
            movement, email=EMAIL, display_name="Bea Organiser", password=PASSWORD,
            role="organiser", scope="town:Morecambe",
        )  # fmt: skip
    return EMAIL


def sign_in(page: Any, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_and_out(
    page: Any,
    organiser: str,
    console_errors: list[str],
    assert_accessible: Callable[..., None],
):
    page.goto("/account")
    assert page.url.endswith("/sign-in?next=/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert_accessible(page)

    sign_in(page, organiser, "not the password")
    summary = page.get_by_role("alert")
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.title() == "Error: Sign in – Groundswell"
    assert_accessible(page)

    sign_in(page, organiser, PASSWORD)
    assert page.url.endswith("/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert "Organiser (town: Morecambe)" in page.locator("main").inner_text()
    account_nav = page.get_by_role("navigation", name="Account")
    assert account_nav.get_by_role("link", name="Bea Organiser").is_visible()
    assert_accessible(page)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["gs_session"]["httpOnly"] and cookies["gs_session"]["sameSite"] == "Lax"

    account_nav.get_by_role("button", name="Sign out").click()
    assert "You have signed out" in page.locator("main").inner_text()
    assert "gs_session" not in {c["name"] for c in page.context.cookies()}
    page.goto("/account")
    assert "/sign-in" in page.url
    # The wrong password answers 401, which Chromium logs; nothing else may go wrong.
    assert [e for e in console_errors if "status of 401" not in e] == []


def test_sign_in_works_without_javascript(page_without_js: Any, organiser: str):
    # No axe here: it runs as page script, which this context turns off.
    page = page_without_js
    page.goto("/sign-in")
    sign_in(page, organiser, PASSWORD)
    assert page.url.endswith("/account")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    assert "You have signed out" in page.locator("main").inner_text()
