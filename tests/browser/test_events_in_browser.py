"""An event from start to finish in Chromium, axe on every page.

An organiser creates an event; 30 people say they are coming (some without
JavaScript, some on a 390 px phone); at the door the host checks in 25 of
them on a phone (with the search, and without JavaScript too) and adds 3
walk-ins; the door is closed. With the host's earlier events (a sign-in sheet)
the Leadership page shows the host as a mobiliser, the reason naming the
event, and the health dashboard counts the events.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.events import LOCAL, EventDetails, do_create_event
from groundswell.actions.imports import do_import_people
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Attendance, Event, Person, Rsvp

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "three random words"
ORGANISER = "events-organiser@example.org"
HOST = "events-host@example.org"
HOST_REF = "events-browser-host"
SLUG = "browser-prom-walk"
TITLE = "Prom walk and tea"


@pytest.fixture(scope="module")
def people(movement: App, tmp_path_factory: pytest.TempPathFactory) -> App:
    folder = tmp_path_factory.mktemp("events")
    sheet = folder / "host.csv"
    sheet.write_text(f"id,display_name,town\n{HOST_REF},Hana Host,Morecambe\n")
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_import_people(movement, sheet)
        do_create_user(movement, email=ORGANISER, display_name="Esme Organiser",
                       password=PASSWORD, role="organiser", scope="town:Morecambe")  # fmt: skip
        do_create_user(movement, email=HOST, display_name="Hana Host", password=PASSWORD,
                       role="participant", scope="*")  # fmt: skip
        do_link_person(movement, email=HOST, person=HOST_REF)
    return movement


@pytest.fixture
def many_answers(web_app: Any) -> Iterator[None]:
    """30 people answering from one test machine are 30 addresses in real life."""
    limits = web_app.state.ratelimiter.limits
    before = dict(limits)
    limits["submission"] = 10_000
    yield
    limits.update(before)


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))


def rsvp(page: Any, name: str, check: Callable[..., None] | None = None) -> None:
    page.goto(f"/events/{SLUG}")
    if check:
        check(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email (optional)").fill(f"{name.lower().replace(' ', '.')}@example.org")
    if name.endswith("0"):
        page.get_by_label("The organisers may contact me about this and other events").check()
    page.get_by_role("button", name="I'm coming").click()
    page.wait_for_url(re.compile(rf"/events/{SLUG}/rsvp/"))
    assert page.get_by_role("heading", level=1).inner_text() == "You are coming"
    if check:
        assert page.get_by_role("img", name="QR code for a host to check you in").is_visible()
        check(page)


def test_an_event_from_invitation_to_the_roles_page(
    people: App,
    many_answers: None,
    browser: Any,
    base_url: str,
    page: Any,
    phone: Any,
    phone_without_js: Any,
    page_without_js: Any,
    console_errors: list[str],
    assert_accessible: Callable[..., None],
    tmp_path: Path,
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    # The organiser creates the event.
    sign_in(page, ORGANISER)
    page.goto("/events")
    assert_accessible(page)
    page.get_by_role("link", name="Create an event").click()
    assert_accessible(page)
    starts = (datetime.now(LOCAL) + timedelta(hours=2)).replace(second=0, microsecond=0)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Short name for its address").fill(SLUG)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Where to meet (optional)").fill("The Clock Tower")
    page.get_by_label("Town (optional)").fill("Morecambe")
    page.get_by_label("Hosts").fill("nobody-by-this-id")
    page.get_by_label("Places (optional)").fill("40")
    page.get_by_role("button", name="Create event").click()
    assert "There is no person with id" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    console_errors.clear()  # the refused form's 422, as Chromium logs it
    page.get_by_label("Hosts").fill(HOST_REF)
    page.get_by_role("button", name="Create event").click()
    page.wait_for_url(re.compile(rf"/events/{SLUG}$"))
    assert "Hana Host" in page.locator("main").inner_text()
    assert_accessible(page)

    # 30 people say they are coming: 20 with JavaScript, 5 without, 5 on a phone.
    guests = [f"Guest {i:02d}" for i in range(30)]
    visitor = browser.new_context(base_url=base_url)
    tab = visitor.new_page()
    for i, name in enumerate(guests[:20]):
        rsvp(tab, name, assert_accessible if i == 0 else None)
    visitor.close()
    for name in guests[20:25]:  # axe needs JavaScript: the same pages are checked with it
        rsvp(page_without_js, name)
    for i, name in enumerate(guests[25:]):
        rsvp(phone, name, assert_accessible if i == 0 else None)
    with people.reading() as s:
        going = s.scalar(select(func.count()).select_from(Rsvp).join(Event).where(
            Event.slug == SLUG))  # fmt: skip
    assert going == 30

    # At the door, on the host's phone: search and tick 20, then 5 without JavaScript.
    sign_in(phone, HOST)
    phone.goto(f"/events/{SLUG}/check-in")
    assert_accessible(phone)
    search = phone.get_by_label("Find a name")
    for name in guests[:20]:
        search.fill(name)
        row = phone.locator("#door-list li", has_text=name)
        row.get_by_role("button", name=f"Check in {name}").click()
        row.get_by_text("Checked in").wait_for()
    assert_accessible(phone)
    sign_in(phone_without_js, HOST)
    for name in guests[20:25]:
        phone_without_js.goto(f"/events/{SLUG}/check-in")
        phone_without_js.get_by_label("Find a name").fill(name)
        phone_without_js.get_by_role("button", name="Search").click()
        phone_without_js.get_by_role("button", name=f"Check in {name}").click()
        assert phone_without_js.locator("li", has_text=name).get_by_text("Checked in").is_visible()
    # Three walk-ins, one who agrees to be contacted.
    for i, name in enumerate(("Walk-in Wren", "Walk-in Yusuf", "Walk-in Zara")):
        phone.goto(f"/events/{SLUG}/check-in")
        phone.get_by_label("Name", exact=True).fill(name)
        if i == 0:
            phone.get_by_label("They agree the organisers may contact them").check()
        phone.get_by_role("button", name="Add and check in").click()
        assert f"{name} was added and checked in" in phone.get_by_role("status").first.inner_text()
    assert_accessible(phone)
    phone.get_by_role("button", name="Close the door").click()
    phone.wait_for_url(re.compile(rf"/events/{SLUG}\?closed=1"))
    with people.reading() as s:
        came = s.scalar(select(func.count()).select_from(Attendance).join(Event).where(
            Event.slug == SLUG))  # fmt: skip
    assert came == 28

    # The host's earlier events, from a sign-in sheet: enough people for the rule to fire.
    with people.reading() as s:
        refs = s.scalars(select(Person.ref).where(Person.ref.not_like("rsvp-%"),
                         Person.ref != HOST_REF).order_by(Person.id).limit(150)).all()  # fmt: skip
    earlier = datetime.now(LOCAL) - timedelta(days=20)
    do_create_event(people, f"{SLUG}-earlier", EventDetails(title="Bay clean-up",
                    starts_at=earlier, town="Morecambe", hosts=[HOST_REF]), actor="t")  # fmt: skip
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id\n" + "".join(f"{r}\n" for r in refs))
    do_import_attendance(people, f"{SLUG}-earlier", sheet, actor="t")

    # The roles page names the host as a mobiliser, with the events in the reason.
    page.goto("/roles?role=mobiliser")
    # Their row in the mobilisers' table (the network picture's table lists them too).
    row = page.locator("tr", has_text=HOST_REF).filter(has_text="called")
    if row.count() == 0:  # a later page of mobilisers
        for n in range(2, 20):
            page.goto(f"/roles?role=mobiliser&page={n}")
            row = page.locator("tr", has_text=HOST_REF).filter(has_text="called")
            if row.count():
                break
    assert row.count() == 1, "the host is not listed as a mobiliser"
    reason = row.inner_text()
    assert TITLE in reason and "Bay clean-up" in reason
    assert_accessible(page)
    page.goto("/measures")
    assert "Events held in the month" in page.locator("main").inner_text()
    assert "First-timers" in page.locator("main").inner_text()
    assert_accessible(page)
    assert console_errors == [], missing
