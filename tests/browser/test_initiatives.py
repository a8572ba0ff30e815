"""The initiatives portfolio and one initiative page on the demo movement, checked with axe."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Initiative, Membership, Person

pytestmark = pytest.mark.browser


def test_portfolio_and_initiative_are_accessible(
    page: Any, base_url: str, movement: App, assert_accessible: Callable[..., None]
) -> None:
    with movement.reading() as s:
        slug, mode = s.execute(select(Initiative.slug, Initiative.power_mode).limit(1)).one()
    # A shift and a decision, so the chart and the log have something to show.
    ia.do_change_power_mode(movement, slug, "ceding" if mode != "ceding" else "sharing",
                            changed_on=date(2025, 4, 2), note="members lead")  # fmt: skip
    ia.do_record_decision(movement, slug, what="Where to meet", by_whom="Members",
                          method="co_produced", decided_on=date(2025, 4, 3))  # fmt: skip
    page.goto(f"{base_url}/initiatives")
    assert page.locator("h1").inner_text() == "Initiatives"
    assert page.locator("svg#shifts, svg[aria-labelledby^=shifts]").count() == 1
    assert "2025-Q2" in page.content()
    assert_accessible(page)
    page.locator(f"a[href='/initiatives/{slug}']").first.click()
    page.wait_for_url(f"**/initiatives/{slug}")
    assert "Where to meet" in page.content()
    assert_accessible(page)


EMAIL = "browser-initiatives-admin@example.org"
PASSWORD = "three random words"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def crowd(movement: App) -> str:
    """An initiative of 60 members (the demo's have fewer than a page) and an admin."""
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=EMAIL, display_name="Ina Admin", password=PASSWORD,
                       role="admin", scope="*")  # fmt: skip
        ia.do_create_initiative(movement, slug="big-crowd", name="Big crowd",
                                hand="grassroots", power_mode="sharing")  # fmt: skip
        with movement.reading() as s:
            crowd = s.scalar(select(Initiative.id).where(Initiative.slug == "big-crowd"))
            people = s.scalars(select(Person.id).order_by(Person.id).limit(60))
            s.add_all(Membership(initiative_id=crowd, person_id=pid) for pid in people)
            s.commit()
    return "/initiatives/big-crowd"


def _sign_in(page: Any, url: str) -> None:
    page.goto(f"/sign-in?next={url}")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{url}")


def _members_pages(page: Any) -> None:
    names = page.locator("#members + ul li")
    assert page.locator("#members").inner_text() == "Members you may see: 1 to 50 of 60"
    assert names.count() == 50
    pages = page.get_by_role("navigation", name="Pages of members")
    assert pages.get_by_role("link", name="Previous").count() == 0
    pages.get_by_role("link", name="Next").click()
    page.wait_for_url("**?page=2#members")
    assert page.locator("#members").inner_text() == "Members you may see: 51 to 60 of 60"
    assert names.count() == 10
    assert pages.get_by_role("link", name="Next").count() == 0
    pages.get_by_role("link", name="Previous").click()
    page.wait_for_url("**?page=1#members")
    assert names.count() == 50


def test_finding_initiative_members_come_a_page_at_a_time(
    page: Any, crowd: str, console_errors: list[str], assert_accessible: Callable[..., None]
):
    """Issue 15: an initiative page listed 641 names on a 26,000 px page."""
    page.set_viewport_size(PHONE)
    _sign_in(page, crowd)
    _members_pages(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert console_errors == []


def test_members_pages_work_without_javascript(page_without_js: Any, crowd: str):
    _sign_in(page_without_js, crowd)
    _members_pages(page_without_js)
