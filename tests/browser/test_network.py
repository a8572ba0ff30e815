"""The Network page in a real browser: what it links to is built, nothing stale, accessible."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_finding_network_has_no_stale_coming_next_box(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    """Issue 15: /network said "Coming next" about the 3%, which has its own page."""
    page.goto("/network")
    assert "Coming next" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Find the 3%").click()
    page.wait_for_url("**/network/seeds")
    assert page.get_by_role("heading", level=1).count() == 1
    page.go_back()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    assert console_errors == []
