"""Figures on the demo's pages read like the rest of the service: 1,480 people, not 1480."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser
# Four or more digits in a row that are not part of a date, time, id or code.
BARE = re.compile(r"(?<![\d,.\-:#/])\d{4,}(?:\.\d+)?(?![\d\-:/])")
PAGES = ["/", "/network", "/roles", "/measures", "/campaigns", "/campaigns/mile-a-day",
         "/initiatives", "/conversations"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_finding_numbers_have_thousands_separators(page: Any, path: str):
    """Issue 15: "20000 people" on a page where every other count reads 20,000."""
    page.goto(path)
    text = page.locator("main").inner_text()
    bare = [n for n in BARE.findall(text) if not 1990 <= float(n) <= 2100]  # years stay bare
    assert bare == [], f"{path} shows {bare[:5]} without separators"
