"""Listening pages in Chromium, axe on each: the organiser's page and the host's phone page.

An organiser sets up a listening event on /listening and adds a host; the
host, on a 390 px phone, adds notes with JavaScript (the note appears without
a reload) and without it (post-redirect-get); a note with a phone number is
held and the host is told why; the organiser sees it in the review queue and
releases it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "three random words"
ORGANISER = "listening-organiser@example.org"
HOST = "listening-host@example.org"
EVERYWHERE = "listening-everywhere@example.org"
SLUG = "browser-moving-more"


@pytest.fixture(scope="module")
def accounts(movement: App) -> App:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=ORGANISER, display_name="Lena Organiser",
                       password=PASSWORD, role="organiser", scope="town:Morecambe")  # fmt: skip
        do_create_user(movement, email=HOST, display_name="Hari Host", password=PASSWORD,
                       role="participant", scope="*")  # fmt: skip
        do_create_user(movement, email=EVERYWHERE, display_name="Wren Organiser",
                       password=PASSWORD, role="organiser", scope="*")  # fmt: skip
    return movement


def context_page(browser: Any, base_url: str, *, js: bool) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=js)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    yield from context_page(browser, base_url, js=True)


@pytest.fixture
def phone_without_js(browser: Any, base_url: str) -> Iterator[Any]:
    yield from context_page(browser, base_url, js=False)


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_organiser_and_host_pages(
    accounts: App,
    page: Any,
    phone: Any,
    phone_without_js: Any,
    console_errors: list[str],
    assert_accessible: Callable[..., None],
) -> None:
    sign_in(page, ORGANISER)
    page.goto("/listening")
    assert page.get_by_role("heading", level=1).inner_text() == "Listening events"
    assert_accessible(page)
    page.get_by_label("Title").fill("Moving more in the West End")
    page.get_by_label("Short name for its address").fill(SLUG)
    page.get_by_label("The question people will talk about").fill(
        "What would help you be more active?"
    )
    page.get_by_label("Tables or sessions (optional)").fill("Table 1\nTable 2")
    page.get_by_label("Town (optional)").fill("Morecambe")
    page.get_by_role("button", name="Create listening event").click()
    page.wait_for_url(re.compile(f"/listening/{SLUG}$"))
    page.get_by_label("Host's account email").fill(HOST)
    page.get_by_label("Their table").select_option("Table 2")
    page.get_by_role("button", name="Add host").click()
    assert "can now add notes" in page.get_by_role("status").first.inner_text()
    assert_accessible(page)

    # With JavaScript on a phone: the note appears without a reload.
    sign_in(phone, HOST)
    phone.goto(f"/listening/{SLUG}/notes")
    assert fits(phone)
    assert_accessible(phone)
    phone.get_by_label(re.compile("^Note")).fill("Safer crossings by the school")
    url = phone.url
    phone.get_by_role("button", name="Add note").click()
    phone.get_by_text("Your note was added.").wait_for()
    assert phone.url == url  # swapped in place, not reloaded
    assert phone.locator("#notes-list").get_by_text("Safer crossings by the school").is_visible()
    phone.get_by_label(re.compile("^Note")).fill("Ring Jo on 07700 900123 about the walks")
    phone.get_by_role("button", name="Add note").click()
    phone.get_by_text("seems to contain a phone number").wait_for()
    assert fits(phone)
    assert_accessible(phone)

    # Without JavaScript: post, redirect, the page names what happened.
    sign_in(phone_without_js, HOST)
    phone_without_js.goto(f"/listening/{SLUG}/notes")
    phone_without_js.get_by_label("Your table").select_option("Table 1")
    phone_without_js.get_by_role("button", name="Choose table").click()
    phone_without_js.get_by_label(re.compile("^Note")).fill("Benches on the prom")
    phone_without_js.get_by_role("button", name="Add note").click()
    phone_without_js.wait_for_url(re.compile(r"added=\d+"))
    assert "Your note was added." in phone_without_js.content()
    assert "Notes from Table 1" in phone_without_js.content()
    assert fits(phone_without_js)
    # axe needs JavaScript: check the page the redirect led to in the phone that has it.
    phone.goto(phone_without_js.url)
    assert "Your note was added." in phone.content()
    assert_accessible(phone)

    # The organiser reviews the held note and releases it.
    page.goto(f"/listening/{SLUG}")
    assert "Seems to contain a phone number" in page.content()
    page.get_by_role("button", name=re.compile("^Release")).click()
    assert "released" in page.get_by_role("status").first.inner_text()
    assert "No notes are waiting for review." in page.content()
    assert "Ring Jo on 07700 900123 about the walks" in page.content()
    assert_accessible(page)
    assert console_errors == []


def test_imported_comments_review_page(
    accounts: App, phone: Any, assert_accessible: Callable[..., None]
) -> None:
    sign_in(phone, EVERYWHERE)
    phone.goto("/listening/comments")
    assert phone.get_by_role("heading", level=1).inner_text() == "Imported comments"
    assert fits(phone)
    assert_accessible(phone)
