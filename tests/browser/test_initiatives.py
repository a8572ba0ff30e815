"""The initiatives portfolio and one initiative page on the demo movement, checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.app import App
from groundswell.store.models import Initiative

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
