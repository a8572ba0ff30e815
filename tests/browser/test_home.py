"""The home page in a real browser: live counts, accessibility, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def shown(page: Any, key: str) -> str:
    return page.locator(f'[data-count="{key}"]').inner_text().strip()


def test_home_renders_counts_and_is_accessible(
    page: Any,
    expected_counts: dict[str, int],
    console_errors: list[str],
    assert_accessible: Callable[..., None],
):
    page.goto("/")
    assert page.title() == "Home – Groundswell"
    assert page.get_by_role("banner").get_by_text("Groundswell").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Grow, run and measure your movement"
    )
    for key, value in expected_counts.items():
        assert shown(page, key) == f"{value:,}", key
    nav = page.get_by_role("navigation", name="Menu")
    for label in ("Conversations", "Network", "Measures", "Campaigns", "Stories", "Initiatives"):
        assert nav.get_by_role("link", name=label).count() == 1, label
    assert_accessible(page)
    assert console_errors == []


def test_htmx_refreshes_counts_in_place(page: Any, expected_counts: dict[str, int]):
    page.goto("/")
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response("**/fragments/counts") as response:
        page.get_by_role("button", name="Refresh counts").click()
    assert response.value.ok
    assert page.url.endswith("/")  # swapped in place, no navigation to /?
    assert shown(page, "people") == f"{expected_counts['people']:,}"


def test_home_works_without_javascript(
    page_without_js: Any, expected_counts: dict[str, int], assert_accessible: Callable[..., None]
):
    page = page_without_js
    page.goto("/")
    assert shown(page, "people") == f"{expected_counts['people']:,}"
    assert shown(page, "votes") == f"{expected_counts['votes']:,}"
    # The refresh button falls back to reloading the page.
    page.get_by_role("button", name="Refresh counts").click()
    page.wait_for_load_state()
    assert shown(page, "ties") == f"{expected_counts['ties']:,}"
    # Every section is reachable through plain links.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Initiatives").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Initiatives"
