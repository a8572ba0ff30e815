"""A participant votes through a conversation on a phone, with and without JavaScript;
an organiser's moderator accepts a pending statement. Accessible throughout."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from groundswell.actions.accounts import do_create_user
from groundswell.actions.conversations import do_open_conversation
from groundswell.actions.votes import do_vote
from groundswell.app import App
from groundswell.errors import Conflict

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SEEDS = ["Buses should be free", "Walking is for everyone", "Parks need lights"]
EMAIL = "browser-moderator@example.org"
PASSWORD = "three random words"


def _open(movement: App, topic: str, moderation: str = "post") -> str:
    return do_open_conversation(
        movement, topic=topic, question=f"{topic}: what would help?", moderation=moderation,
        seeds=SEEDS,
    ).slug  # fmt: skip


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(browser: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone-sized page, with JavaScript on and then off."""
    context = browser.new_context(
        base_url=base_url, viewport=PHONE, java_script_enabled=request.param, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.js = request.param
    yield page
    context.close()


def test_participant_votes_through_and_adds_a_statement(
    phone: Any, movement: App, assert_accessible: Callable[..., None]
):
    page = phone
    # axe runs in the page, so it needs JavaScript: the JS run checks these same pages
    check = assert_accessible if page.js else (lambda _: None)
    slug = _open(movement, f"Getting about {'with' if page.js else 'without'} JavaScript")
    page.goto(f"/conversations/{slug}")
    assert page.get_by_role("heading", level=1).inner_text().endswith("what would help?")
    check(page)
    if page.js:  # the votes below go through htmx and swap the card in place
        page.wait_for_function("() => typeof window.htmx === 'object'")
        page.evaluate("window.gsMarker = 1")  # survives only if the page never reloads
    seen = []
    for answer in ("Agree", "Disagree", "Pass / unsure"):
        card = page.locator("#statement-card")
        text = card.get_by_role("heading").inner_text()
        assert text in SEEDS and text not in seen
        seen.append(text)
        assert f"Statement {len(seen)} of 3" in card.inner_text()
        card.get_by_role("button", name=answer, exact=True).click()
        # with htmx the card swaps in place; without, the page reloads at the same address
        expect(page.locator("#statement-card")).not_to_contain_text(f"Statement {len(seen)} of 3")
    page.locator("#statement-card").get_by_text("Thank you for taking part").wait_for()
    if page.js:
        assert page.evaluate("window.gsMarker") == 1
    assert "/conversations/" in page.url
    check(page)

    page.get_by_label("Your statement").fill("x" * 300)
    page.get_by_role("button", name="Add statement").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("Error: ")
    check(page)
    page.get_by_label("Your statement").fill("Cycle lanes on every main road")
    page.get_by_role("button", name="Add statement").click()
    assert "now part of the conversation" in page.locator("main").inner_text()
    # post-moderation: the new statement is shown at once, to this participant too
    assert "Cycle lanes on every main road" in page.locator("#statement-card").inner_text()


@pytest.fixture(scope="module")
def moderator(movement: App) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(
            movement, email=EMAIL, display_name="Mo Derator", password=PASSWORD,
            role="moderator", scope="*",
        )  # fmt: skip
    return EMAIL


def test_moderator_accepts_a_pending_statement(
    page: Any, movement: App, moderator: str, assert_accessible: Callable[..., None]
):
    slug = _open(movement, "Pre-moderated walks", moderation="pre")
    from groundswell.actions.conversations import do_submit_statement

    do_submit_statement(movement, slug, "someone", "Benches every half mile")
    do_vote(movement, slug, "someone", 0, 1)
    page.goto(f"/conversations/{slug}/moderate")
    assert "/sign-in" in page.url
    page.get_by_label("Email address").fill(moderator)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(f"/conversations/{slug}/moderate")
    assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"
    assert_accessible(page)
    waiting = page.get_by_role("table", name="Waiting for a decision (1)")
    assert "Benches every half mile" in waiting.inner_text()
    waiting.get_by_role("button", name="Accept statement 3").click()
    assert "Statement 3 accepted" in page.locator("main").inner_text()
    assert "No statements are waiting" in page.locator("main").inner_text()
    accepted = page.get_by_role("table", name="Accepted (4)")
    assert "Benches every half mile" in accepted.inner_text()
    assert_accessible(page)

    page.goto(f"/conversations/{slug}/report")
    assert page.get_by_role("heading", level=1).inner_text() == "What we heard"
    assert_accessible(page)
