"""The role matrix page and a page-not-found page in a real browser: accessible, on a phone
too, and with advice a visitor can take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from groundswell.auth.permissions import role_matrix

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_finding_4_role_matrix_page_from_the_footer(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    page.goto("/")
    page.get_by_role("link", name="Roles and what each may do").click()
    assert page.url.endswith("/about/roles")
    table = page.get_by_role("table", name="Who may see and do what")
    rows = table.locator("tbody tr")
    assert rows.count() == len(role_matrix())
    organiser_moderates = table.get_by_role("row", name="Open conversations and moderate")
    assert "Within their scope" in organiser_moderates.inner_text()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.reload()
    # the table scrolls in its own box: the page itself stays phone-wide
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert console_errors == []


def test_finding_6_error_page_gives_a_visitor_advice_they_can_take(
    page: Any, assert_accessible: Callable[..., None]
):
    response = page.goto("/campaigns/no-such-campaign")
    assert response.status == 404
    main = page.locator("main").inner_text()
    assert "There is no campaign 'no-such-campaign'." in main
    assert "groundswell campaigns" not in main and "groundswell init" not in main
    assert page.get_by_role("link", name="home page").is_visible()
    assert_accessible(page)
