"""A member makes a pledge and keeps it; an admin uploads people, refused then imported."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.actions import initiatives as ia
from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Person, Pledge

pytestmark = pytest.mark.browser
PASSWORD = "three random words"
PHONE = {"width": 390, "height": 844}
SLUG = "pledge-walkers"
PLEDGER = "pledger@example.org"
COUNTER = "pledge-counter@example.org"
UPLOADER = "uploader-admin@example.org"


@pytest.fixture(scope="module")
def accounts(movement: App) -> str:
    """A participant linked to someone with no pledges, an organiser of a new initiative
    (whose only member will be that participant), and an admin."""
    with movement.reading() as s:
        ref = s.scalars(
            select(Person.ref)
            .where(Person.id.not_in(select(Pledge.person_id)))
            .order_by(Person.id.desc())
            .limit(1)
        ).one()
    with contextlib.suppress(Conflict):
        ia.do_create_initiative(movement, slug=SLUG, name="Pledge walkers", hand="grassroots",
                                power_mode="ceding")  # fmt: skip
        for email, role, scope in ((PLEDGER, "participant", "*"),
                                   (COUNTER, "organiser", f"initiative:{SLUG}"),
                                   (UPLOADER, "admin", "*")):  # fmt: skip
            do_create_user(movement, email=email, display_name=email.split("@")[0].title(),
                           password=PASSWORD, role=role, scope=scope)  # fmt: skip
    do_link_person(movement, email=PLEDGER, person=ref)
    return ref


def _sign_in(page: Any, email: str, then: str) -> None:
    page.goto(f"/sign-in?next={then}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def test_a_member_makes_a_pledge_shares_it_and_keeps_it_on_a_phone(
    page: Any, accounts: str, console_errors: list[str], assert_accessible: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    _sign_in(page, PLEDGER, f"/initiatives/{SLUG}")
    page.get_by_role("button", name="Join Pledge walkers").click()
    page.get_by_role("button", name="Leave Pledge walkers").wait_for()
    assert_accessible(page)
    page.goto("/pledges")
    assert_accessible(page)
    page.get_by_role("button", name="Make a pledge").click()
    page.get_by_label("What will you do?").fill("Walk to the surgery instead of driving")
    page.get_by_label("Part of an initiative (optional)").select_option(SLUG)
    assert_accessible(page)
    page.get_by_role("button", name="Make pledge").click()
    page.wait_for_url(re.compile(r"/pledges/\d+$"))
    assert page.locator("#status").inner_text() == "Made"
    assert_accessible(page)
    page.get_by_role("button", name="Share my pledge").click()
    page.locator("#share-link").wait_for()
    share = page.locator("#share-link").get_attribute("href")
    box = page.get_by_role("button", name="I have done it").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert_accessible(page)
    page.get_by_role("button", name="I have done it").click()
    page.get_by_text("Thank you for keeping your pledge").wait_for()
    assert page.locator("#status").inner_text() == "Done"
    page.goto(share)
    main = page.locator("main").inner_text()
    assert "Walk to the surgery" in main and "They have done it" in main
    assert "Pledger" not in main
    assert_accessible(page)
    # The initiative's organiser sees exactly their member's pledge kept: 1 of 1. Shown to
    # anyone else, fewer than 10 is hidden.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, COUNTER, "/admin/pledges")
    assert page.locator("#commitments-kept").inner_text() == "1 of 1 (100%)"
    assert "kept: suppressed (<10)" in page.locator("#pledges-public").inner_text()
    assert_accessible(page)
    assert not console_errors


PEOPLE = "id,display_name,town,kind,consent_contact\n{rows}"
ROWS = ["bt-1,Ann Upload,Lancaster,citizen,yes", "bt-2,Bo Upload,Lancaster,{kind},no",
        "bt-3,Cy Upload,Morecambe,staff,yes"]  # fmt: skip


def _people(movement: App) -> int:
    with movement.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def _upload(page: Any, kind: str) -> None:
    body = PEOPLE.format(rows="\n".join(ROWS).format(kind=kind) + "\n").encode()
    page.goto("/admin/imports")
    page.get_by_label("People", exact=True).check()
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": body}
    )
    page.get_by_role("button", name="Check the file").click()


def test_an_admin_uploads_people_refused_then_previewed_and_imported(
    page: Any, movement: App, accounts: str, assert_accessible: Callable[..., None]
) -> None:
    before = _people(movement)
    _sign_in(page, UPLOADER, "/admin")
    links = page.locator("#admin-links").inner_text()
    assert "Moderate stories" in links and "Users and roles" in links
    assert_accessible(page)
    page.goto("/admin/imports")
    assert_accessible(page)
    _upload(page, "doctor")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "people.csv, line 3, field 'kind': 'doctor'" in summary
    assert_accessible(page)
    assert _people(movement) == before
    _upload(page, "citizen")
    page.get_by_role("heading", name="Check before importing").wait_for()
    assert page.locator("#preview-created").inner_text() == "3"
    assert_accessible(page)
    assert _people(movement) == before
    page.get_by_role("button", name="Import", exact=True).click()
    page.locator("#imported").wait_for()
    assert "3 added" in page.locator("#imported").inner_text()
    assert_accessible(page)
    assert _people(movement) == before + 3
    page.goto("/admin/users")
    assert_accessible(page)


def test_pledge_and_upload_forms_work_without_javascript(
    page_without_js: Any, movement: App, accounts: str
) -> None:
    page = page_without_js
    page.set_viewport_size(PHONE)
    _sign_in(page, PLEDGER, "/pledges/new")
    page.get_by_label("What will you do?").fill("Bring a neighbour to the walk")
    page.get_by_role("button", name="Make pledge").click()
    page.wait_for_url(re.compile(r"/pledges/\d+$"))
    page.get_by_role("button", name="Share my pledge").click()
    page.get_by_role("button", name="I have done it").click()
    assert page.locator("#status").inner_text() == "Done"
