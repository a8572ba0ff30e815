"""From a listening event to "you said, we did", in Chromium, axe on every page.

An organiser sets up a listening event with 4 tables and a host at each; the
hosts add 40 notes on 390 px phones (one host without JavaScript), one note
with a phone number is held by the personal-data check and never read; the
organiser finds themes in the notes, merges two, creates an initiative on the
initiatives page and links the merged theme to it; the public page shows it,
with no phone number anywhere.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import HarvestNote, ThemeItem, ThemeRun

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "three random words"
ORGANISER = "journey-organiser@example.org"
HOSTS = [f"journey-host-{n}@example.org" for n in range(1, 5)]
SLUG = "journey-hospital-access"
HELD = "Ring Dave on 07700 900123, the car park is always full"
NOTES = [
    [f"Never enough parking at the hospital {w}" for w in (
        "in the morning", "after nine", "for visitors", "for blue badges", "at weekends",
        "near outpatients", "for staff", "near A&E", "by the wards")] + [HELD],
    [f"We waited {h} hours to be seen in {w}" for h, w in (
        ("two", "A&E"), ("three", "A&E"), ("four", "outpatients"), ("five", "A&E"),
        ("six", "the walk-in centre"), ("two", "outpatients"), ("three", "the walk-in centre"),
        ("four", "A&E"), ("five", "outpatients"), ("six", "A&E"))],
    [f"The {n} bus to the hospital {w}" for n, w in (
        ("5", "stops at six"), ("2", "never comes on time"), ("5", "is too expensive"),
        ("7", "does not run on Sundays"), ("2", "is always late"), ("7", "stops too early"),
        ("5", "is too full at nine"), ("2", "costs too much"), ("7", "is late on Saturdays"),
        ("5", "does not run in the evening"))],
    [f"The {who} were kind and {how}" for who, how in (
        ("nurses", "caring"), ("staff", "listened to me"), ("carers", "patient"),
        ("doctors", "gentle"), ("nurses", "patient with my mum"), ("porters", "friendly"),
        ("staff", "caring"), ("midwives", "kind to my wife"), ("doctors", "listened"),
        ("nurses", "reassuring"))],
]  # fmt: skip


@pytest.fixture(scope="module")
def accounts(movement: App) -> App:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=ORGANISER, display_name="Olive Organiser",
                       password=PASSWORD, role="organiser", scope="*")  # fmt: skip
        for n, email in enumerate(HOSTS, 1):
            do_create_user(movement, email=email, display_name=f"Host {n}", password=PASSWORD,
                           role="participant", scope="*")  # fmt: skip
    return movement


@contextlib.contextmanager
def phone(browser: Any, base_url: str, *, js: bool = True) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=js)
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def add_notes(page: Any, notes: list[str], *, js: bool) -> None:
    for text in notes:
        page.get_by_label(re.compile("^Note")).fill(text)
        if js:
            page.get_by_role("button", name="Add note").click()
            done = "seems to contain" if "07700" in text else None
            if done:
                page.get_by_text(done).wait_for()
            else:
                page.locator("#notes-list").get_by_text(text, exact=True).wait_for()
        else:
            with page.expect_navigation():
                page.get_by_role("button", name="Add note").click()


def themes_of_tables(gs: App) -> list[int]:
    """The current theme holding most of each table's notes, in table order."""
    with gs.reading() as s:
        rows = s.execute(
            select(HarvestNote.text, ThemeItem.theme_id)
            .join(ThemeItem, ThemeItem.source_id == HarvestNote.id)
            .where(ThemeItem.source == "notes")
            .where(ThemeItem.run_id == select(func.max(ThemeRun.id)).scalar_subquery())
        ).all()  # fmt: skip
    found = dict(rows)
    return [Counter(found.get(t) for t in notes).most_common(1)[0][0] for notes in NOTES]


def test_from_listening_to_you_said_we_did(
    accounts: App,
    browser: Any,
    base_url: str,
    page: Any,
    console_errors: list[str],
    assert_accessible: Callable[..., None],
) -> None:
    sign_in(page, ORGANISER)
    page.goto("/listening")
    page.get_by_label("Title").fill("Getting to and around the hospital")
    page.get_by_label("Short name for its address").fill(SLUG)
    page.get_by_label("The question people will talk about").fill(
        "What would make visiting the hospital easier?"
    )
    page.get_by_label("Tables or sessions (optional)").fill("Table 1\nTable 2\nTable 3\nTable 4")
    page.get_by_label("Town (optional)").fill("Morecambe")
    page.get_by_role("button", name="Create listening event").click()
    page.wait_for_url(re.compile(f"/listening/{SLUG}$"))
    for n, email in enumerate(HOSTS, 1):
        page.get_by_label("Host's account email").fill(email)
        page.get_by_label("Their table").select_option(f"Table {n}")
        page.get_by_role("button", name="Add host").click()
        page.get_by_role("status").first.wait_for()
    assert_accessible(page)

    # Each host adds their table's 10 notes on a phone; the fourth without JavaScript.
    for n, (email, notes) in enumerate(zip(HOSTS, NOTES, strict=True), 1):
        with phone(browser, base_url, js=n != 4) as host:
            sign_in(host, email)
            host.goto(f"/listening/{SLUG}/notes")
            add_notes(host, notes, js=n != 4)
            if n != 4:  # axe and the width check run scripts in the page
                assert fits(host)
                assert_accessible(host)
            else:
                assert "Your note was added." in host.content()

    # The organiser finds themes in the harvest notes.
    page.goto("/listening/themes")
    assert page.get_by_role("heading", level=1).inner_text() == "Themes across what people said"
    page.locator("#run-source-notes").check()
    page.get_by_role("button", name="Find themes").click()
    page.wait_for_url(re.compile(r"/listening/themes\?done="))
    assert re.search(r"Found \d+ themes", page.content())
    assert_accessible(page)
    assert "07700" not in page.content()
    tables = themes_of_tables(accounts)
    parking = tables[0]
    other = next(t for t in tables[1:] if t not in (None, parking))  # two themes to merge

    # Merge another table's theme into the parking theme.
    page.goto(f"/listening/themes/{parking}")
    assert "07700" not in page.content()  # the held note is never read
    assert_accessible(page)
    page.get_by_label("Merge another theme into this one").select_option(str(other))
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(re.compile("done=merge"))
    page.get_by_label("Label").fill("Getting to the hospital and being seen")
    page.get_by_role("button", name="Rename").click()
    page.wait_for_url(re.compile("done=rename"))

    # An initiative to act on it, made on the initiatives page.
    page.goto("/initiatives")
    page.get_by_label("Name", exact=True).fill("Hospital access group")
    page.get_by_label("Short web name").fill("hospital-access-journey")
    page.get_by_label("Hand", exact=True).select_option("grassroots")
    page.get_by_label("Power mode").select_option("sharing")
    page.get_by_role("button", name="Add initiative").click()
    page.wait_for_url(re.compile("/initiatives/hospital-access-journey"))

    page.goto(f"/listening/themes/{parking}")
    page.get_by_label("Initiative").select_option(label="Hospital access group")
    page.get_by_label("What changed").fill("A shuttle bus from the station and 40 more spaces")
    page.get_by_role("button", name="Link to the initiative").click()
    page.wait_for_url(re.compile("done=link"))
    assert "Acting on" in page.content()
    assert_accessible(page)

    # The organiser's pages fit a phone too.
    with phone(browser, base_url) as organiser_phone:
        sign_in(organiser_phone, ORGANISER)
        for url in ("/listening/themes", f"/listening/themes/{parking}"):
            organiser_phone.goto(url)
            assert fits(organiser_phone), url

    # The public page shows it to anyone, from every page's footer, with or without JavaScript.
    for js in (False, True):
        with phone(browser, base_url, js=js) as visitor:
            visitor.goto("/")
            visitor.get_by_role("link", name="You said, we did").click()
            visitor.wait_for_url(re.compile("/you-said-we-did$"))
            card = visitor.locator(".nhsuk-card", has_text="Getting to the hospital and being seen")
            assert "A shuttle bus from the station and 40 more spaces" in card.inner_text()
            assert "Hospital access group" in card.inner_text()
            assert card.locator("blockquote").count() == 3
            assert "07700" not in visitor.content()
            if js:
                assert fits(visitor)
                assert_accessible(visitor)
    assert console_errors == []
