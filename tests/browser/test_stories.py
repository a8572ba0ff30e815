"""A citizen shares a story, a moderator resolves its flags and approves it, a curator
exports a training pack whose PDF holds the story. Accessible throughout."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Person, Story, User

pytestmark = pytest.mark.browser
PASSWORD = "three random words"
STORY = (
    "The midwives on the birth centre stayed with me all night. "
    "Dr Patel was dismissive when I said the pain was getting worse. "
    "You can ring me on 07700 900456."
)


def _user(movement: App, email: str, role: str) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=email, display_name=role.title(), password=PASSWORD,
                       role=role)  # fmt: skip
    return email


def _sign_in(page: Any, email: str) -> None:
    assert "/sign-in" in page.url
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_share_moderate_and_export_a_pack(
    browser: Any, page: Any, base_url: str, movement: App, assert_accessible: Callable[..., None]
):
    moderator = _user(movement, "stories-mod@example.org", "moderator")
    curator = _user(movement, "stories-curator@example.org", "organiser")

    # A citizen shares a story, choosing training use.
    page.goto("/stories/share")
    assert_accessible(page)
    page.get_by_label("Title").fill("Through the night")
    page.get_by_label("Your story", exact=True).fill(STORY)
    page.get_by_label("Service (optional)").fill("maternity")
    page.get_by_label("Use it in staff training", exact=True).check()
    page.get_by_role("button", name="Share story").click()
    assert re.search(r"/stories/\d+/yours\?key=", page.url)
    assert "Keep this link" in page.locator("main").inner_text()
    assert_accessible(page)
    story_id = int(re.search(r"/stories/(\d+)/yours", page.url).group(1))

    # A moderator resolves each flag with a reason, then approves.
    mod = browser.new_context(base_url=base_url).new_page()
    mod.goto(f"/stories/{story_id}/review")
    _sign_in(mod, moderator)
    assert mod.url.endswith(f"/stories/{story_id}/review")
    assert (
        "3 open" in mod.get_by_role("heading", name=re.compile("Personal-data flags")).inner_text()
    )
    assert_accessible(mod)
    while (buttons := mod.get_by_role("button", name=re.compile("Mark acceptable"))).count():
        row = buttons.first.locator("xpath=ancestor::form")
        row.get_by_role("textbox").fill("invented for the test; the storyteller agreed")
        buttons.first.click()
    assert "0 open" in mod.locator("main").inner_text()
    mod.get_by_role("button", name="Approve story").click()
    assert mod.locator("#story-status").inner_text() == "Approved"
    assert_accessible(mod)
    mod.context.close()

    # A curator builds a pack and exports it as a PDF.
    cur = browser.new_context(base_url=base_url).new_page()
    cur.goto("/stories/packs")
    _sign_in(cur, curator)
    cur.goto("/stories/packs")
    cur.get_by_label("Pack title").fill("Believe women about pain")
    cur.get_by_label("Learning points").fill("Listen first\nExplain what happens next")
    cur.get_by_role("button", name="Create pack").click()
    cur.get_by_label("Approved story with consent for training").select_option(str(story_id))
    cur.get_by_label("Learning point for this story").fill("Stay with people")
    cur.get_by_role("button", name="Add to pack").click()
    assert "Through the night" in cur.locator("main").inner_text()
    assert_accessible(cur)
    href = cur.get_by_role("link", name="PDF").get_attribute("href")
    response = cur.request.get(base_url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "midwives on the birth centre" in text and "Stay with people" in text
    cur.context.close()


def test_a_signed_in_storyteller_keeps_a_story_with_their_record(
    page: Any, movement: App, assert_accessible: Callable[..., None]
):
    teller = _user(movement, "stories-teller@example.org", "participant")
    with movement.reading() as session:
        linked = select(User.person_id).where(User.person_id.is_not(None))
        unlinked = select(Person.ref).where(Person.id.not_in(linked)).order_by(Person.id)
        ref = session.scalars(unlinked.limit(1)).one()
    do_link_person(movement, email=teller, person=ref)
    page.goto("/sign-in?next=/stories/share")
    _sign_in(page, teller)
    assert page.url.endswith("/stories/share")
    keep = page.get_by_label("Keep this story with my record")
    assert_accessible(page)
    page.get_by_label("Title").fill("Kept with my record")
    page.get_by_label("Your story", exact=True).fill(
        "The physio came back the next day, as she said."
    )
    page.get_by_label("Keep it private", exact=False).check()
    keep.check()
    page.get_by_role("button", name="Share story").click()
    assert re.search(r"/stories/\d+/yours\?key=", page.url)
    with movement.reading() as session:
        kept = session.scalars(select(Story).where(Story.title == "Kept with my record")).one()
        assert kept.person_id == session.scalar(select(Person.id).where(Person.ref == ref))


def test_finding_5_printable_pack_is_styled_under_the_sites_csp(
    page: Any, movement: App, console_errors: list[str], assert_accessible: Callable[..., None]
):
    from groundswell.actions.story_packs import do_create_pack

    curator = _user(movement, "print-curator@example.org", "organiser")
    pack_id = do_create_pack(movement, "Printed for the ward", actor="test",
                             learning_points="Listen first")  # fmt: skip
    page.goto(f"/stories/packs/{pack_id}")
    _sign_in(page, curator)
    page.goto(f"/stories/packs/{pack_id}")
    page.get_by_role("link", name="printable page").click()
    assert page.url.endswith(f"/stories/packs/{pack_id}/export.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Printed for the ward"
    body = page.evaluate(
        "() => { const s = getComputedStyle(document.body);"
        " return {font: s.fontFamily, width: s.maxWidth}; }"
    )
    assert body["font"].startswith("Arial") and body["width"] == "736px"  # 46rem: styled
    assert [e for e in console_errors if "Content Security Policy" in e] == []
    assert console_errors == []
    assert_accessible(page)
