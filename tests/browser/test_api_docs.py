"""The JSON API's Swagger UI page in a real browser: accessible once rendered and opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_finding_api_docs_have_no_serious_axe_violations(
    page: Any, console_errors: list[str], assert_accessible: Callable[..., None]
):
    """Issue 15: /api/v1/docs had color-contrast x21 and nested-interactive x9."""
    page.goto("/api/v1/docs")
    summaries = page.locator("#swagger-ui .opblock-summary-control")
    summaries.first.wait_for()
    assert summaries.count() >= 5
    # No link inside the expand buttons: a control within a control.
    assert page.locator("#swagger-ui .opblock-summary-control a[href]").count() == 0
    assert_accessible(page)
    # Opened, an operation shows its parameters, example and schemas: still readable.
    summaries.first.click()
    page.locator("#swagger-ui .opblock-body .highlight-code pre").first.wait_for()
    page.locator("#swagger-ui .models .json-schema-2020-12-accordion").first.click()
    assert page.get_by_role("main").count() == 1
    assert_accessible(page)
    assert console_errors == []
