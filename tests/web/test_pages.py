"""Pages render real counts from the database, work without JavaScript and are accessible."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from sample_movement import STORY_SECRET

from groundswell.app import App
from groundswell.web import create_app, templating

pytestmark = pytest.mark.anyio

NAV_PAGES = {
    "/conversations": "Conversations",
    "/network": "Network",
    "/measures": "Measures",
    "/campaigns": "Campaigns",
    "/stories": "Stories",
    "/initiatives": "Initiatives",
    "/events": "Events",
    "/accessibility": "Accessibility statement",
}


def shown_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-count="(\w+)">([\d,]+)<', html)
    return {key: int(value.replace(",", "")) for key, value in found}


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page has no <h1>"
    return match.group(1).strip()


async def test_home_shows_live_counts(client: httpx.AsyncClient, expected: dict[str, int]):
    response = await client.get("/")
    assert response.status_code == 200
    counts = shown_counts(response.text)
    for key in ("people", "ties", "initiatives", "conversations", "statements", "votes"):
        assert counts[key] == expected[key], key
    assert counts["activity_logs"] == expected["activity_logs"]
    assert counts["stories"] == expected["stories"]
    assert counts["survey_responses"] == expected["survey_responses"]
    # Initiatives by hand and power mode.
    assert 'data-hand="grassroots" data-mode="ceding">1<' in response.text
    assert 'data-hand="grassroots" data-mode="sharing">1<' in response.text
    assert 'data-hand="system" data-mode="keeping">1<' in response.text


async def test_home_counts_follow_the_database(client: httpx.AsyncClient, app: App):
    from groundswell.store.models import Person

    with app.transaction() as session:
        session.add(Person(ref="newcomer"))
    fragment = await client.get("/fragments/counts")
    assert fragment.status_code == 200
    assert shown_counts(fragment.text)["people"] == 13
    assert "<html" not in fragment.text  # a fragment for htmx, not a page


async def test_home_works_without_javascript(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    # The refresh is a plain GET form that htmx enhances; no inline script anywhere.
    assert re.search(r'<form[^>]*method="get"[^>]*action="/"', html)
    assert 'hx-get="/fragments/counts"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html


async def test_layout_is_an_nhs_service(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    assert '<html lang="en">' in html
    assert 'class="nhsuk-skip-link"' in html and 'href="#maincontent"' in html
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert '<span class="nhsuk-header__service-name">Groundswell</span>' in html
    nav = re.search(r'<nav class="nhsuk-header__navigation"[^>]*>(.*?)</nav>', html, re.S)
    assert nav
    assert re.findall(r'href="(/[a-z]+)"', nav.group(1)) == list(NAV_PAGES)[:7]
    assert html.index("<h1") < html.index("<h2")


@pytest.mark.parametrize(("path", "heading"), NAV_PAGES.items())
async def test_every_section_page_renders(client: httpx.AsyncClient, path: str, heading: str):
    response = await client.get(path)
    assert response.status_code == 200
    assert h1(response.text) == heading
    assert f"<title>{heading} – Groundswell</title>" in response.text
    if path != "/accessibility":
        assert re.search(rf'href="{path}" aria-current="page"', response.text)


async def test_section_pages_show_real_content(client: httpx.AsyncClient):
    conversations = (await client.get("/conversations")).text
    assert "Getting out and about" in conversations
    assert "What would help you walk more each day?" in conversations
    assert "Open" in conversations and "Closed" in conversations
    # Closing and linking to an initiative live on each conversation's moderation queue now.
    assert "Coming next" not in conversations and "moderation queue" in conversations

    initiatives = (await client.get("/initiatives")).text
    assert "A mile a day without transport" in initiatives
    assert "Discharge before midday" in initiatives

    campaigns = (await client.get("/campaigns")).text
    assert "A mile a day in March" in campaigns
    assert "suppressed (&lt;10)" in campaigns  # two people log: too few to show a total
    assert "1 March 2025 to 31 March 2025" in campaigns

    network = (await client.get("/network")).text
    # 22 tie ends over 12 people; the hub's 6 is one person's count: top-coded at the 10th.
    assert "1.8 on average (median 2; the 10 most connected have 1 or more)" in network

    measures = (await client.get("/measures")).text
    assert "SWEMWBS" in measures and "Download these figures as CSV" in measures


async def test_stories_page_counts_but_never_shows_a_story(client: httpx.AsyncClient):
    html = (await client.get("/stories")).text
    # One story of each: under 10, so the split is suppressed (the total is 2).
    assert 'data-status="submitted">suppressed<' in html
    assert 'data-status="published">suppressed<' in html
    assert STORY_SECRET not in html
    assert "Walking again" not in html  # not even a title


async def test_security_headers_on_pages_api_and_static(client: httpx.AsyncClient):
    for path in ("/", "/api/v1/stats", "/static/css/groundswell.css", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "unsafe" not in csp, path


async def test_renders_unstyled_when_vendor_assets_are_missing(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setattr(templating, "VENDOR_DIR", tmp_path / "no-vendor")
    with caplog.at_level(logging.WARNING, logger="groundswell.web"):
        web = create_app(app)
    assert "run scripts/assets.sh" in caplog.text
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/")
    assert response.status_code == 200
    assert "nhsuk-frontend.min.css" not in response.text
    assert "htmx.min.js" not in response.text
    assert shown_counts(response.text)["people"] == 0


async def test_pages_answer_head(client: httpx.AsyncClient):
    for path in ("/", *NAV_PAGES, "/healthz"):
        response = await client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


async def test_finding_network_has_no_stale_coming_next_box(client: httpx.AsyncClient):
    """Issue 15: /network promised the 3% as "Coming next"; it has its own page now."""
    network = (await client.get("/network")).text
    assert "Coming next" not in network and 'href="/network/seeds"' in network
