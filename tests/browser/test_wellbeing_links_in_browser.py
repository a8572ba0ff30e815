"""The wellbeing survey by personal link in Chromium at 390 px, axe on every page.

One person answers with JavaScript and the licensed wording configured (the
test's placeholder wording); another answers with JavaScript off and no
wording, so ONS4 alone; a used link gets its plain page; an organiser opens
the page that makes the links.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user
from groundswell.actions.imports import do_import_people
from groundswell.actions.wellbeing_links import do_issue_links
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Instrument, Person, SurveyResponse

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "three random words"
TOWN = "Wellbeing Browser Town"
ORGANISER = "wellbeing-links-organiser@example.org"
PLACEHOLDER = Path(__file__).parents[1] / "measures" / "data" / "swemwbs-wording-placeholder.toml"
ONS4 = ("satisfaction", "worthwhile", "happy", "anxious")


@pytest.fixture(scope="module")
def tokens(movement: App, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    sheet = tmp_path_factory.mktemp("wellbeing") / "people.csv"
    sheet.write_text("id,display_name,town,consent_contact\n" + "".join(
        f"wb-browser-{i},Person {i},{TOWN},yes\n" for i in range(2)))  # fmt: skip
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_import_people(movement, sheet)
        do_create_user(movement, email=ORGANISER, display_name="Wren Organiser",
                       password=PASSWORD, role="organiser", scope="*")  # fmt: skip
    return [link.token for link in do_issue_links(movement, actor="test", town=TOWN)]


def answers(movement: App, ref: str) -> dict[Instrument, list[int]]:
    with movement.reading() as s:
        return dict(s.execute(
            select(SurveyResponse.instrument, SurveyResponse.answers)
            .join(Person, Person.id == SurveyResponse.person_id).where(Person.ref == ref)
        ).all())  # fmt: skip


def consent(page: Any, token: str, check: Callable[..., None]) -> None:
    page.goto(f"/w/{token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Wellbeing survey"
    check(page)
    page.get_by_role("button", name="Continue").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    check(page)
    page.get_by_label("Yes, store my answers").check()
    page.get_by_role("button", name="Continue").click()


def test_answering_on_a_phone_with_the_wording(
    page: Any, movement: App, tokens: list[str], assert_accessible: Callable[..., None],
    console_errors: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    wording = movement.settings.model_copy(update={"swemwbs_wording": PLACEHOLDER})
    monkeypatch.setattr(movement, "settings", wording)
    page.set_viewport_size(PHONE)
    consent(page, tokens[0], assert_accessible)
    main = page.locator("main")
    assert "PLACEHOLDER copyright line" in main.inner_text()
    assert page.locator("fieldset").count() == 11
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    for question in ONS4:
        page.locator(f"#ons4-{question}-7").check()
    page.get_by_role("button", name="Send my answers").click()  # the statements unanswered
    assert "Choose an answer for statement 1" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    for number in ("one", "two", "three", "four", "five", "six", "seven"):
        statement = page.get_by_role("group", name=f"PLACEHOLDER statement {number}")
        statement.get_by_label("Placeholder 4").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r"/thanks$"))
    assert "Your answers are saved" in main.inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert answers(movement, "wb-browser-0") == {
        Instrument.ONS4: [7, 7, 7, 7],
        Instrument.SWEMWBS: [4] * 7,
    }
    page.goto(f"/w/{tokens[0]}")
    assert page.get_by_role("heading", level=1).inner_text() == "This link has been used"
    assert_accessible(page)
    assert [e for e in console_errors if "422" not in e and "410" not in e] == []


def test_answering_without_javascript_and_without_wording(
    page_without_js: Any, page: Any, movement: App, tokens: list[str],
    assert_accessible: Callable[..., None],
) -> None:  # fmt: skip
    """axe needs JavaScript: each page the script-less browser got is checked in another tab."""
    page.set_viewport_size(PHONE)

    def check(shown: Any) -> None:
        html, url = shown.content(), shown.url
        page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        page.goto(url)
        assert_accessible(page)
        page.unroute(url)

    nojs = page_without_js
    nojs.set_viewport_size(PHONE)
    consent(nojs, tokens[1], check)
    assert "scale is not set up here" in nojs.locator("main").inner_text()
    assert nojs.locator("fieldset").count() == 4
    check(nojs)
    for question, value in zip(ONS4, ("8", "9", "6", "3"), strict=True):
        nojs.locator(f"#ons4-{question}-{value}").check()
    nojs.get_by_role("button", name="Send my answers").click()
    nojs.wait_for_url(re.compile(r"/thanks$"))
    check(nojs)
    assert answers(movement, "wb-browser-1") == {Instrument.ONS4: [8, 9, 6, 3]}


def test_organisers_page_for_links(
    page: Any, tokens: list[str], assert_accessible: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/sign-in?next=/measures/links")
    page.get_by_label("Email address").fill(ORGANISER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/measures/links$"))
    assert "SWEMWBS is not set up" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Days each link lasts").fill("lots")
    page.get_by_role("button", name="Download the links (CSV)").click()
    assert "whole number of days" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
