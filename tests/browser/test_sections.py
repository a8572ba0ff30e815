"""Every section page in a real browser: right heading, current nav item, accessible, no errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SECTIONS = ["Conversations", "Network", "Measures", "Campaigns", "Stories", "Initiatives"]


@pytest.mark.parametrize("name", SECTIONS)
def test_section_page(
    page: Any, name: str, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    current = page.locator('.nhsuk-header__navigation-link[aria-current="page"]')
    assert current.inner_text() == name
    assert page.get_by_role("main").inner_text().strip() != ""
    assert_accessible(page)
    assert console_errors == []


def test_not_found_page(page: Any, assert_accessible: Callable[..., None]):
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)


def test_menu_collapses_on_a_phone(browser: Any, base_url: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto("/")
        more = page.get_by_role("button", name="Browse More")
        assert more.is_visible()  # NHS.UK header moves what does not fit under "More"
        more.click()
        assert more.get_attribute("aria-expanded") == "true"
        dropped = page.locator(".nhsuk-header__menu-list")
        assert dropped.get_by_role("link", name="Initiatives", exact=True).is_visible()
    finally:
        context.close()
