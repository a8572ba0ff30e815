"""A participant votes through a conversation on a phone, with and without JavaScript, and
by keyboard; a moderator accepts a pending statement; an organiser finds a statement the
personal-data check held; a report hides small groups. Accessible throughout."""

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


def _focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, text: e.innerText.trim(),"
        " inCard: !!e.closest('#statement-card')}; }"
    )


def test_finding_1_keyboard_votes_carry_on_to_the_next_statement(
    page: Any, movement: App, assert_accessible: Callable[..., None]
):
    slug = _open(movement, "Voting by keyboard")
    page.goto(f"/conversations/{slug}")
    page.wait_for_function("() => typeof window.htmx === 'object'")
    card = page.locator("#statement-card")
    card.get_by_role("button", name="Agree", exact=True).focus()
    for n, tabs in ((2, 1), (3, 2)):  # Enter on Agree, then on Disagree
        page.keyboard.press("Enter")
        expect(card).to_contain_text(f"Statement {n} of 3")
        # htmx moves focus once the new card has settled (a few milliseconds)
        page.wait_for_function("() => document.activeElement.tagName !== 'BODY'", timeout=2000)
        # focus is on the new card's statement, not dropped to <body>
        assert _focused(page) == {"tag": "H2", "text": card.get_by_role("heading").inner_text(),
                                  "inCard": True}  # fmt: skip
        for _ in range(tabs):
            page.keyboard.press("Tab")
        name = "Agree" if tabs == 1 else "Disagree"
        assert _focused(page) == {"tag": "BUTTON", "text": name, "inCard": True}
    page.keyboard.press("Enter")
    expect(card).to_contain_text("Thank you for taking part")
    page.wait_for_function("() => document.activeElement.tagName !== 'BODY'", timeout=2000)
    assert _focused(page)["text"] == "Thank you for taking part"
    assert_accessible(page)


ORGANISER = "conversation-organiser@example.org"  # its own: the movement is shared
PERSONAL = "Call Sister Jones on 01524 583000"


def test_finding_3_and_4_held_statement_flagged_for_an_organiser_through_the_pages_link(
    browser: Any, page: Any, base_url: str, movement: App, assert_accessible: Callable[..., None]
):
    slug = _open(movement, "Held for a check")  # post-moderated
    page.goto(f"/conversations/{slug}")
    page.get_by_label("Your statement").fill(PERSONAL)
    page.get_by_role("button", name="Add statement").click()
    main = page.locator("main").inner_text()
    assert "a moderator will check it" in main and "Sister Jones" not in main
    assert "Moderation queue" not in main  # visitors get no link to it
    assert_accessible(page)

    with contextlib.suppress(Conflict):
        do_create_user(
            movement, email=ORGANISER, display_name="Org Aniser", password=PASSWORD,
            role="organiser", scope="*",
        )  # fmt: skip
    organiser = browser.new_context(base_url=base_url).new_page()
    organiser.goto("/sign-in")
    organiser.get_by_label("Email address").fill(ORGANISER)
    organiser.get_by_label("Password").fill(PASSWORD)
    organiser.get_by_role("button", name="Sign in").click()
    organiser.goto(f"/conversations/{slug}/report")
    organiser.get_by_role("link", name="Moderation queue").click()
    assert organiser.url.endswith(f"/conversations/{slug}/moderate")
    waiting = organiser.get_by_role("table", name="Waiting for a decision (1)")
    text = " ".join(waiting.inner_text().split())
    assert PERSONAL in text and "Held: shown to nobody until you accept it" in text
    assert "Phone “01524 583000”" in text and "Name “Jones”" in text
    assert_accessible(organiser)
    waiting.get_by_role("button", name="Reject statement 3").click()
    assert "Statement 3 removed" in organiser.locator("main").inner_text()
    organiser.context.close()


def test_finding_2_report_page_hides_small_groups(
    page: Any, movement: App, assert_accessible: Callable[..., None]
):
    from groundswell.actions.votes import Ballot, do_votes

    slug = _open(movement, "A few apart in the browser")
    do_votes(movement, [
        Ballot(slug, f"few-{p}", t, 1 if p < 22 or t % 2 else -1)
        for p in range(25) for t in range(len(SEEDS))
    ])  # fmt: skip
    page.goto(f"/conversations/{slug}/report")
    main = " ".join(page.locator("main").inner_text().split())
    assert "Group A: 22 people" in main and "Group B" not in main
    groups = page.get_by_role("table", name="Opinion groups").inner_text()
    assert "In groups too small to show" in groups
    assert_accessible(page)
