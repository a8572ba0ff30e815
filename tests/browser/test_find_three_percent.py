"""The "find the 3%" page in a real browser: ask, get the plain answer and the chart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_find_the_three_percent(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/network")
    page.get_by_role("link", name="Find the 3%").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Find the 3%"
    assert_accessible(page)
    page.get_by_label("How people take it up").select_option("ic")
    page.get_by_label("Chance p").fill("0.1")
    page.get_by_label("The fewest people who reach a target share").check()
    page.get_by_label("Target share of everyone (%)").fill("90")
    page.get_by_role("button", name="Find them").click()
    answer = page.locator("#answer")
    answer.wait_for(timeout=60_000)
    text = answer.inner_text()
    assert text.startswith("On your network,") and "The 3% rule says 3% reach 90%" in text
    assert "target is reached" in text or "target is not reached" in text
    assert "holds here" in text or "does not hold here" in text or "to test it here" in text
    chart = page.get_by_role("img", name="Reach against the share of people chosen")
    assert chart.is_visible()
    assert page.locator("#coverage-table tbody tr").count() >= 2
    assert page.locator("#baselines tbody tr").count() == 6
    assert_accessible(page)
    assert console_errors == []


def test_find_the_three_percent_under_direct_contact_in_plain_words(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/network/seeds")
    page.get_by_label("How people take it up").select_option("direct")
    page.get_by_label("Chance p").fill("1")
    page.get_by_label("The fewest people who reach a target share").check()
    page.get_by_label("Target share of everyone (%)").fill("90")
    page.get_by_role("button", name="Find them").click()
    page.locator("#answer").wait_for(timeout=60_000)
    assert "needed by any choice" in page.locator("#lower-bound").inner_text()
    details = page.locator("#how-worked-out")
    assert not details.locator(".nhsuk-details__text").is_visible()
    details.locator("summary").click()
    assert "counted exactly" in details.inner_text()
    assert page.locator("#baselines tbody tr").count() == 6
    assert_accessible(page)
    assert console_errors == []
