"""The demo's campaign runs on the day the demo is built; an ended one says so, without a form."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from groundswell.actions.campaigns import do_create_campaign
from groundswell.app import App
from groundswell.campaigns import streaks
from groundswell.errors import Conflict
from groundswell.store.models import utcnow
from groundswell.web.templating import long_date

pytestmark = pytest.mark.browser


def test_the_demo_campaign_is_running_today(
    page: Any, movement: App, assert_accessible: Callable[..., None]
):
    page.goto("/campaigns/mile-a-day")
    main = page.locator("main").inner_text()
    assert "A Mile a Day Without Transport" in main
    assert "Sign in to log your day" in main and "ended on" not in main
    assert_accessible(page)


def test_an_ended_campaign_says_so_and_has_no_log_form(
    page: Any, movement: App, assert_accessible: Callable[..., None]
):
    today = streaks.local_date(utcnow(), streaks.DEFAULT_TZ)
    ended = today - timedelta(days=10)
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_campaign(
            movement, slug="spring-mile", name="A spring mile", unit="miles",
            starts_on=ended - timedelta(days=27), ends_on=ended,
        )  # fmt: skip
    page.goto("/campaigns/spring-mile")
    status = page.locator("#campaign-status").inner_text()
    assert f"This campaign ended on {long_date(ended)}." in status
    assert page.get_by_role("button", name="Log today's mile").count() == 0
    assert page.get_by_text("Sign in to log your day").count() == 0
    assert_accessible(page)
