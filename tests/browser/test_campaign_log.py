"""A participant logs today's mile on a phone and sees the collective total change."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.campaigns import do_create_campaign, do_log_activity
from groundswell.app import App
from groundswell.campaigns import streaks
from groundswell.errors import Conflict
from groundswell.store.models import Person, utcnow

pytestmark = pytest.mark.browser
SLUG = "phone-mile"
PASSWORD = "three random words"
PHONE = {"width": 390, "height": 844}


def _account(movement: App, email: str, person: str) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=email, display_name="Pat Walker", password=PASSWORD,
                       role="participant")  # fmt: skip
    do_link_person(movement, email=email, person=person)
    return email


@pytest.fixture(scope="module")
def walkers(movement: App) -> tuple[str, str]:
    """A campaign running now, walked by ten people yesterday; two linked participants."""
    with movement.reading() as session:
        refs = list(session.scalars(select(Person.ref).order_by(Person.id).limit(12)))
    today = streaks.local_date(utcnow(), streaks.DEFAULT_TZ)
    with contextlib.suppress(Conflict):
        do_create_campaign(
            movement, slug=SLUG, name="A mile a day, phone test", unit="miles",
            starts_on=today - timedelta(days=10), group_goal=100.0,
        )  # fmt: skip
        for ref in refs[:10]:
            do_log_activity(movement, campaign=SLUG, person=ref,
                            day=today - timedelta(days=1), amount=1.0)  # fmt: skip
    return (
        _account(movement, "phone-walker@example.org", refs[10]),
        _account(movement, "nojs-walker@example.org", refs[11]),
    )


def _sign_in(page: Any, email: str) -> None:
    page.goto(f"/sign-in?next=/campaigns/{SLUG}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f"/campaigns/{SLUG}$"))


def _total(page: Any) -> float:
    text = page.locator("#collective-total").inner_text()
    return float(text.split()[0].replace(",", ""))


def test_log_todays_mile_on_a_phone(
    page: Any,
    walkers: tuple[str, str],
    console_errors: list[str],
    assert_accessible: Callable[..., None],
):
    page.set_viewport_size(PHONE)
    _sign_in(page, walkers[0])
    before = _total(page)
    amount = page.get_by_label("How many miles today?")
    assert amount.input_value() == "1"
    assert_accessible(page)
    url = page.url
    page.get_by_role("button", name="Log today's mile").click()
    page.get_by_text("Logged 1 mile for today").wait_for()
    assert page.url == url  # swapped in place by htmx, no reload
    assert _total(page) == before + 1
    assert page.locator("#my-streak").inner_text() == "1 day"
    box = page.get_by_role("button", name="Log today's mile").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert_accessible(page)
    assert not console_errors


def test_log_form_works_without_javascript(page_without_js: Any, walkers: tuple[str, str]):
    page = page_without_js
    page.set_viewport_size(PHONE)
    _sign_in(page, walkers[1])
    before = _total(page)
    page.get_by_label("How many miles today?").fill("2")
    page.get_by_role("button", name="Log today's mile").click()
    page.wait_for_url(re.compile(r"\?logged=1$"))
    assert "Logged 2 miles for today" in page.locator("main").inner_text()
    assert _total(page) == before + 2


def test_measures_dashboard_and_survey_are_accessible(
    page: Any,
    walkers: tuple[str, str],
    console_errors: list[str],
    assert_accessible: Callable[..., None],
):
    page.set_viewport_size(PHONE)
    page.goto("/measures")
    assert page.get_by_role("heading", level=1).inner_text() == "Measures"
    assert page.locator("svg.gs-chart").count() >= 7
    assert_accessible(page)
    page.get_by_label("Period").select_option("3")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=3"))
    assert "last 3 months" in page.locator("main").inner_text()
    _sign_in(page, walkers[0])
    page.goto("/measures/survey")
    page.get_by_role("button", name="Save my answers").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    assert [e for e in console_errors if "422" not in e] == []  # the form's answer is a 422


# Every CSP violation the page meets, caught where it happens (a console line
# can be missed or worded differently across Chromium versions).
REPORT_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


def test_finding_campaign_logging_breaks_no_content_security_policy(
    page: Any, walkers: tuple[str, str], console_errors: list[str]
):
    """Issue 15: logging a day logged a CSP error for an inline style."""
    page.context.add_init_script(REPORT_CSP)
    page.set_viewport_size(PHONE)
    _sign_in(page, walkers[0])
    violations: list[str] = []
    amount = page.get_by_label("How many miles today?")
    for typed, shown in (("oops", "Enter how much you did today"), ("1.5", "Logged 1.5 miles")):
        amount.fill(typed)
        page.get_by_role("button", name="Log today's mile").click()
        page.get_by_text(shown).first.wait_for()
        violations += page.evaluate("window.__csp")
    for path in ("/campaigns", f"/campaigns/{SLUG}?logged=1", "/campaigns/mile-a-day"):
        page.goto(path)
        violations += page.evaluate("window.__csp")
    assert violations == []
    assert console_errors == []
