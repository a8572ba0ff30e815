"""Campaign pages: log today's amount (no JS and htmx), collective totals, privacy, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from auth_helpers import USERS, add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI

from groundswell.actions.accounts import do_link_person
from groundswell.actions.campaigns import do_create_campaign, do_log_activity
from groundswell.app import App
from groundswell.campaigns import streaks
from groundswell.store.models import utcnow

pytestmark = pytest.mark.anyio
SLUG = "walk-now"
PAT = USERS["participant"][0]


@pytest.fixture
def walk(app: App, web: FastAPI) -> FastAPI:
    """The sample movement (p00..p11) with a running campaign: p01..p10 walked yesterday."""
    today = streaks.local_date(utcnow(), streaks.DEFAULT_TZ)
    do_create_campaign(
        app, slug=SLUG, name="A mile a day this month", unit="miles",
        starts_on=today - timedelta(days=20), group_goal=200.0,
    )  # fmt: skip
    for i in range(1, 11):
        do_log_activity(app, campaign=SLUG, person=f"p{i:02d}", day=today - timedelta(days=1),
                        amount=1.0)  # fmt: skip
    add_users(app)
    do_link_person(app, email=PAT, person="p00")
    return web


@pytest.fixture
async def pat(walk: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(walk, "participant"):
        yield client


async def test_logging_today_without_javascript_redirects_and_total_changes(pat):
    page = await pat.get(f"/campaigns/{SLUG}")
    assert 'id="collective-total">10 miles' in page.text
    assert 'value="1"' in page.text and "Log today's mile" in page.text
    response = await pat.post(
        f"/campaigns/{SLUG}/log", data={"amount": "1", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/campaigns/{SLUG}?logged=1"
    after = (await pat.get(response.headers["location"])).text
    assert "Logged 1 mile for today" in after
    assert 'id="collective-total">11 miles' in after
    assert 'id="my-streak">1 day<' in after and "Only you can see this" in after


async def test_logging_with_htmx_returns_the_progress_block(pat):
    page = await pat.get(f"/campaigns/{SLUG}")
    response = await pat.post(
        f"/campaigns/{SLUG}/log",
        data={"amount": "2.5"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(page.text)},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="campaign-progress"')
    assert "<html" not in response.text
    assert "Logged 2.5 miles for today" in response.text
    assert 'id="collective-total">12.5 miles' in response.text


async def test_logging_again_replaces_today(pat):
    token = csrf_from((await pat.get(f"/campaigns/{SLUG}")).text)
    for amount in ("3", "1"):
        await pat.post(f"/campaigns/{SLUG}/log", data={"amount": amount, "csrf_token": token})
    page = (await pat.get(f"/campaigns/{SLUG}")).text
    assert 'id="collective-total">11 miles' in page


@pytest.mark.parametrize("amount", ["", "lots", "500", "-1"])
async def test_a_bad_amount_shows_the_error_summary(pat, amount):
    token = csrf_from((await pat.get(f"/campaigns/{SLUG}")).text)
    response = await pat.post(
        f"/campaigns/{SLUG}/log", data={"amount": amount, "csrf_token": token}
    )
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#amount"' in response.text
    assert 'id="collective-total">10 miles' in response.text


async def test_an_unlinked_user_is_told_why_and_cannot_log(walk: FastAPI):
    async for client in client_for(walk, "organiser"):
        page = await client.get(f"/campaigns/{SLUG}")
        assert "not linked to you in the movement" in page.text
        assert 'action="/campaigns/walk-now/log"' not in page.text
        response = await client.post(
            f"/campaigns/{SLUG}/log", data={"amount": "1", "csrf_token": csrf_from(page.text)}
        )
        assert response.status_code == 422 and "not linked" in response.text


async def test_anonymous_visitors_see_totals_and_a_sign_in_link(walk: FastAPI):
    async for client in client_for(walk, "anonymous"):
        page = await client.get(f"/campaigns/{SLUG}")
        assert "Sign in to log your day" in page.text
        assert "Your days" not in page.text
        assert (await client.post(f"/campaigns/{SLUG}/log", data={"amount": "1"})).status_code in (
            401,
            403,
        )


async def test_no_other_individual_appears(pat):
    page = (await pat.get(f"/campaigns/{SLUG}")).text
    for i in range(1, 12):
        assert f"p{i:02d}" not in page


async def test_small_campaigns_are_suppressed_on_list_page_and_csv(pat):
    listing = (await pat.get("/campaigns")).text
    assert "A mile a day this month" in listing and "A mile a day in March" in listing
    download = await pat.get(f"/campaigns/{SLUG}/progress.csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[1][:4] == ["total", "miles", "10", "10"]
    # One team of everyone: the only group equals the total and is shown as such.
    small = (await pat.get("/campaigns/mile-march/progress.csv")).text
    assert "suppressed (<10)" in small
    assert "7.5" not in small


async def test_unknown_campaign_is_404(pat):
    assert (await pat.get("/campaigns/nope")).status_code == 404


def test_a_person_links_to_one_account_at_most(app: App, walk: FastAPI):
    from groundswell.errors import Conflict, NotFound

    with pytest.raises(Conflict, match="already linked"):
        do_link_person(app, email=USERS["admin"][0], person="p00")
    with pytest.raises(NotFound):
        do_link_person(app, email=USERS["admin"][0], person="nobody")
    assert do_link_person(app, email=PAT, person=None) is None
    assert do_link_person(app, email=USERS["admin"][0], person="p00") == "p00"


async def test_an_ended_campaign_says_it_ended_and_takes_no_logs(pat):
    # The sample's "A mile a day in March" ran 1 to 31 March 2025.
    page = (await pat.get("/campaigns/mile-march")).text
    assert "This campaign ended on 31 March 2025." in page
    assert "Ran from 1 March 2025 to 31 March 2025" in page
    assert 'action="/campaigns/mile-march/log"' not in page
    running = (await pat.get(f"/campaigns/{SLUG}")).text
    assert "ended on" not in running and f'action="/campaigns/{SLUG}/log"' in running


async def test_a_campaign_not_started_says_when_it_starts(app: App, pat):
    starts = streaks.local_date(utcnow(), streaks.DEFAULT_TZ) + timedelta(days=9)
    do_create_campaign(app, slug="walk-later", name="A mile a day next month", unit="miles",
                       starts_on=starts)  # fmt: skip
    page = (await pat.get("/campaigns/walk-later")).text
    when = f"{starts.day} {starts:%B %Y}"
    assert f"This campaign starts on {when}. You can log your days from then." in page
    assert 'action="/campaigns/walk-later/log"' not in page


ONE_MILES = re.compile(r"(?<![\d,.])1 miles")


async def test_finding_one_mile_not_1_miles_and_thousands_separated(app: App, pat):
    """Issue 15: pages read "1 miles" and big totals had no thousands separator."""
    page = (await pat.get(f"/campaigns/{SLUG}")).text
    assert "Daily target: 1 mile." in page and not ONE_MILES.search(page)
    await pat.post(f"/campaigns/{SLUG}/log", data={"amount": "1", "csrf_token": csrf_from(page)})
    page = (await pat.get(f"/campaigns/{SLUG}")).text
    assert "Logged" not in page or "Logged 1 mile for" in page
    assert ">1 day<" in page and "1 mile over 1 day" in page and not ONE_MILES.search(page)
    assert "11 miles" in page  # the collective total: ten yesterday and today's one

    today = streaks.local_date(utcnow(), streaks.DEFAULT_TZ)
    do_create_campaign(app, slug="far", name="Far walkers", unit="miles",
                       starts_on=today - timedelta(days=20), group_goal=1500.0)  # fmt: skip
    for i in range(1, 11):
        do_log_activity(app, campaign="far", person=f"p{i:02d}", day=today - timedelta(days=1),
                        amount=100.0)  # fmt: skip
    page = (await pat.get("/campaigns/far")).text
    assert "1,000 miles" in page and "1,500 miles" in page and "1000" not in page
    assert "1,000 miles" in (await pat.get("/campaigns")).text
