"""A personal join link end to end in Chromium: the account page shows it (with a QR code
and a copy button), a visitor joins through it on a phone with and without JavaScript,
and the network pages offer the kinds of tie. Every page passes axe."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import JoinLink, Person, Recruitment

pytestmark = pytest.mark.browser
PASSWORD = "three random words"
PHONE = {"width": 390, "height": 844}
SHARER = "join-sharer@example.org"


@pytest.fixture(scope="module")
def sharer(movement: App) -> int:
    """A participant linked to a person who has recruited nobody yet; their person id."""
    with movement.reading() as s:
        person = s.scalars(
            select(Person.id)
            .where(Person.id.not_in(select(Recruitment.recruiter_id)))
            .order_by(Person.id.desc())
            .offset(3)
            .limit(1)
        ).one()
        ref = s.scalar(select(Person.ref).where(Person.id == person))
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=SHARER, display_name="Sharer", password=PASSWORD,
                       role="participant", scope="*")  # fmt: skip
    do_link_person(movement, email=SHARER, person=ref)
    return person


def _fits(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector


def _join_link(page: Any) -> str:
    page.goto("/sign-in?next=/account")
    page.get_by_label("Email address").fill(SHARER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account$"))
    link = page.locator("#join-link").input_value()
    assert re.search(r"/join/[A-Za-z0-9_-]{22}$", link), link
    return "/join/" + link.rsplit("/join/", 1)[1]


def test_the_join_link_on_the_account_page_and_joining_on_a_phone(
    page: Any, movement: App, sharer: int, console_errors: list[str],
    assert_accessible: Callable[..., None],
) -> None:  # fmt: skip
    page.set_viewport_size(PHONE)
    path = _join_link(page)
    assert page.get_by_role("heading", name="Your join link").is_visible()
    assert page.get_by_role("button", name="Copy the link").is_visible()  # JavaScript on
    assert page.locator("#join-link-qr").is_visible()
    _fits(page, "#join-link")
    _fits(page, "#join-link-qr")
    assert_accessible(page)
    page.locator("#maincontent").get_by_role("button", name="Sign out").click()
    page.goto(path)
    assert_accessible(page)
    page.get_by_role("button", name="Join").click()  # nothing filled in
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Wren Browser")
    page.get_by_label("Town or village").fill("Yealand")
    page.get_by_label("Email (optional)").fill("wren.browser@example.org")
    page.get_by_label("The organisers may contact me about the movement").check()
    _fits(page, "button.nhsuk-button")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Thank you for joining").wait_for()
    assert_accessible(page)
    with movement.reading() as s:
        recruit = s.scalar(
            select(Recruitment.recruit_id).join(Person, Person.id == Recruitment.recruit_id)
            .where(Recruitment.recruiter_id == sharer, Person.display_name == "Wren Browser")
        )  # fmt: skip
    assert recruit is not None
    # The refused empty form answers 422 on purpose; nothing else may fail.
    assert [e for e in console_errors if "status of 422" not in e] == []


def test_joining_works_without_javascript(page_without_js: Any, movement: App, sharer: int) -> None:
    page = page_without_js
    page.set_viewport_size(PHONE)
    path = _join_link(page)
    assert not page.get_by_role("button", name="Copy the link").is_visible()  # no script
    page.locator("#maincontent").get_by_role("button", name="Sign out").click()
    page.goto(path)
    page.get_by_label("Your name").fill("Yan NoScript")
    page.get_by_label("Town or village").fill("Arnside")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Thank you for joining").wait_for()
    with movement.reading() as s:  # axe needs JavaScript: the page with it is checked above
        assert s.scalar(select(JoinLink.joins).where(JoinLink.person_id == sharer)) >= 1
        assert s.scalar(select(func.count()).select_from(Person)
                        .where(Person.display_name == "Yan NoScript")) == 1  # fmt: skip


def test_an_unknown_join_link_and_the_kinds_of_tie_pass_axe(
    page: Any, assert_accessible: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    response = page.goto("/join/no-such-link")
    assert response is not None and response.status == 404
    assert_accessible(page)
    for path in ("/network/spread", "/network/seeds"):
        page.goto(path)
        assert page.get_by_role("group", name="Kinds of tie to read").is_visible()
        assert_accessible(page)
