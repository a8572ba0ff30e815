"""A relationship survey from start to finish in Chromium, axe on every page.

An organiser creates a two-question survey (``health_talk`` and ``energy``)
and downloads its links; 30 people answer through them: 10 with the htmx
type-ahead on a computer, 10 on a 390 px phone, 10 without JavaScript (the
search button and ticked boxes). Three type names that are not on the list,
two of them misspelt. The organiser sees the three with suggestions and
resolves them (confirms one, adds one as a new person, confirms another);
then "Find the 3%" answers on the health_talk ties alone, and the Network
page draws them.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user
from groundswell.actions.imports import do_import_people
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.store.models import Person, SurveyNomination, Tie

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "three random words"
ORGANISER = "survey-organiser@example.org"
TOWN = "Silverdale"  # not a demo town: the survey's audience is these 40 people alone
SLUG = "silverdale-talk"
HEALTH = "Who do you talk to about your health?"
ENERGY = "Who gives you energy to do things?"
NAMES = ["Aisha Rahman", "Ben Hughes", "Carys Lloyd", "Dylan Price", "Efua Mensah",
         "Finn Gallagher", "Gita Sharma", "Harry Booth", "Imogen Clarke", "Jamal Idris",
         "Kasia Wolska", "Liam Doherty", "Maya Fernandes", "Niall Byrne", "Olu Adeyemi",
         "Priya Nair", "Quentin Marsh", "Rosa Delgado", "Sami Haddad", "Tara Quinn",
         "Umar Siddiqui", "Vera Novak", "Wes Turner", "Xena Pappas", "Yusuf Ali",
         "Zoe Whitfield", "Alfie Brennan", "Bea Okoro", "Cal Whitaker", "Dina Levy",
         # named, not asked to name anyone: the four people most talked to about health
         "Hazel Moorcroft", "Ivor Pennington", "Joan Ashworth", "Kenji Tanaka",
         # misspelt by three people who answer
         "Aisha Begum", "Tomasz Nowak",
         "Edith Sowerby", "Frank Illingworth", "Gwen Rowley", "Hal Everett"]  # fmt: skip
HUBS = NAMES[30:34]
# (respondent, typed name): two misspelt, one not on the list at all.
TYPED = {5: "Aisha Begun", 15: "Tomasz Nowakk", 25: "Grace Okonjo"}


def ref(i: int) -> str:
    return f"silverdale-{i:02d}"


@pytest.fixture(scope="module")
def people(movement: App, tmp_path_factory: pytest.TempPathFactory) -> App:
    sheet = tmp_path_factory.mktemp("survey") / "people.csv"
    rows = "".join(f"{ref(i)},{name},{TOWN}\n" for i, name in enumerate(NAMES))
    sheet.write_text("id,display_name,town\n" + rows)
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_import_people(movement, sheet)
        do_create_user(movement, email=ORGANISER, display_name="Sol Organiser",
                       password=PASSWORD, role="organiser", scope=f"town:{TOWN}")  # fmt: skip
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


def picks(i: int) -> dict[str, list[str]]:
    """Who respondent ``i`` names: two of the four hubs about health, a neighbour for energy."""
    return {HEALTH: [HUBS[i % 4], HUBS[(i + 1) % 4]], ENERGY: [NAMES[(i + 1) % 30]]}


def no_overflow(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling at 390 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


def consent(page: Any, path: str, check: Callable[[Any], None] | None) -> None:
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Before you start"
    assert "We keep who you name" in page.locator("#privacy").inner_text()
    if check:
        check(page)
    page.get_by_label("Yes, I agree to take part").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", level=2, name=HEALTH).wait_for()


def sent(page: Any, check: Callable[[Any], None] | None) -> None:
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r"/s/[^/?]+\?sent=1$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you, your answers are saved"
    if check:
        check(page)


def answer_with_type_ahead(
    page: Any, path: str, i: int, check: Callable[[Any], None] | None
) -> None:
    consent(page, path, check)
    if check:
        check(page)
    for question, names in picks(i).items():
        box = page.get_by_label(f"Find a name for: {question}")
        group = page.get_by_role("group", name=question)
        for name in names:
            box.fill(name[:4].lower())
            label = f"{name}, {TOWN}"
            group.get_by_role("button", name=f"Add {label}", exact=True).click()
            assert group.get_by_role("checkbox", name=label, exact=True).is_checked()
            expect(box).to_be_focused()  # back in the name box for the next person
        if check:
            check(page)  # the type-ahead's list and the chosen names
    if i in TYPED:
        page.get_by_label(f"Someone not on the list (optional) for: {HEALTH}").fill(TYPED[i])
    sent(page, check)


def answer_without_js(page: Any, path: str, i: int) -> None:
    page.goto(path)
    page.get_by_label("Yes, I agree to take part").check()
    page.get_by_role("button", name="Continue").click()
    for question, names in picks(i).items():
        for name in names:
            page.get_by_label(f"Find a name for: {question}").fill(name.split()[1])
            page.get_by_role("button", name=f"Search names for: {question}").click()
            group = page.get_by_role("group", name=question)
            group.get_by_role("checkbox", name=f"{name}, {TOWN}", exact=True).check()
    # Every tick survived the searches that followed it.
    for question, names in picks(i).items():
        group = page.get_by_role("group", name=question)
        for name in names:
            assert group.get_by_role("checkbox", name=f"{name}, {TOWN}", exact=True).is_checked()
    if i in TYPED:
        page.get_by_label(f"Someone not on the list (optional) for: {HEALTH}").fill(TYPED[i])
    sent(page, None)


def test_a_relationship_survey_from_links_to_the_three_percent(
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
    # The organiser creates the survey.
    sign_in(page, ORGANISER)
    page.goto("/admin")
    page.get_by_role("link", name="Relationship surveys: who people talk to").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create a survey").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Who do you talk to in Silverdale?")
    page.get_by_label("Short name for its address").fill(SLUG)
    page.get_by_label("Only people in this town (optional)").fill(TOWN)
    page.get_by_label("Question 1", exact=True).fill(HEALTH)
    page.get_by_label("Kind of link for question 1").fill("health talk")
    page.get_by_label("Most people to choose for question 1 (optional)").fill("5")
    page.get_by_label("Question 2", exact=True).fill(ENERGY)
    page.get_by_label("Kind of link for question 2").fill("energy")
    page.get_by_role("button", name="Create survey").click()
    assert "is not a tie kind" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    console_errors.clear()  # the refused form's 422, as Chromium logs it
    page.get_by_label("Kind of link for question 1").fill("health_talk")
    page.get_by_role("button", name="Create survey").click()
    page.wait_for_url(re.compile(rf"/admin/surveys/{SLUG}$"))
    assert_accessible(page)

    # Links for the 40 people in Silverdale, downloaded once.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download links (CSV)").click()
    saved = tmp_path / "links.csv"
    info.value.save_as(saved)
    with saved.open(encoding="utf-8") as handle:
        links = {row["person"]: urlparse(row["link"]).path for row in csv.DictReader(handle)}
    assert sorted(links) == [ref(i) for i in range(40)]
    page.goto(f"/admin/surveys/{SLUG}")
    assert page.locator("#survey-facts").get_by_text("40", exact=True).is_visible()

    # 30 people answer: 10 with the type-ahead, 10 on a phone, 10 without JavaScript.
    visitor = browser.new_context(base_url=base_url)
    visitor.set_default_timeout(15_000)
    tab = visitor.new_page()
    for i in range(10):
        answer_with_type_ahead(tab, links[ref(i)], i, assert_accessible if i == 0 else None)
    # Axe needs JavaScript: the no-JavaScript search's page, checked in this tab.
    tab.goto(links[ref(38)])
    tab.get_by_label("Yes, I agree to take part").check()
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_label(f"Find a name for: {HEALTH}").fill("Moorcroft")
    tab.get_by_role("button", name=f"Search names for: {HEALTH}").click()
    tab.get_by_role("checkbox", name=f"Hazel Moorcroft, {TOWN}").wait_for()
    assert_accessible(tab)
    tab.goto("/s/no-such-link")
    assert tab.get_by_role("heading", level=1).inner_text() == "This survey link does not work"
    assert_accessible(tab)
    tab.goto(links[ref(0)])
    assert (
        tab.get_by_role("heading", level=1).inner_text() == "Thank you, you have already answered"
    )
    assert_accessible(tab)
    visitor.close()

    def on_phone(p: Any) -> None:
        assert_accessible(p)
        no_overflow(p)

    for i in range(10, 20):
        answer_with_type_ahead(phone, links[ref(i)], i, on_phone if i == 10 else None)
    for i in range(20, 25):
        answer_without_js(page_without_js, links[ref(i)], i)
    for i in range(25, 30):
        answer_without_js(phone_without_js, links[ref(i)], i)

    with people.reading() as s:
        ids = {pid: r for pid, r in s.execute(select(Person.id, Person.ref))}
        health = s.execute(select(Tie.source_id, Tie.target_id).where(Tie.kind == "health_talk"))
        got = {(ids[a], ids[b]) for a, b in health}
        waiting = set(s.scalars(select(SurveyNomination.nominee_text).where(
            SurveyNomination.nominee_id.is_(None))))  # fmt: skip
    named = {(ref(i), ref(NAMES.index(h))) for i in range(30) for h in picks(i)[HEALTH]}
    assert got == named
    assert set(TYPED.values()) <= waiting

    # The organiser sees the three names with suggestions and resolves them.
    page.goto(f"/admin/surveys/{SLUG}")
    assert page.locator("#answered").inner_text() == "30 (75% of links)"
    pending = page.locator("#pending ~ section.gs-pending")
    assert pending.count() == 3
    assert_accessible(page)
    begun = page.get_by_role("region", name="“Aisha Begun”")
    begun.get_by_role("button", name="Confirm “Aisha Begun” is Aisha Begum").click()
    assert "“Aisha Begun” matched: 1 link written." in page.get_by_role("status").inner_text()
    okonjo = page.get_by_role("region", name="“Grace Okonjo”")
    okonjo.get_by_label("Town (optional) for “Grace Okonjo” as a new person").fill(TOWN)
    okonjo.get_by_role("button", name="Add as a new person for “Grace Okonjo”").click()
    assert "added as a new person" in page.get_by_role("status").inner_text()
    nowakk = page.get_by_role("region", name="“Tomasz Nowakk”")
    nowakk.get_by_role("button", name="Confirm “Tomasz Nowakk” is Tomasz Nowak").click()
    assert "None: every name typed so far matched someone." in page.locator("main").inner_text()
    assert_accessible(page)
    with people.reading() as s:
        grace = s.scalar(select(Person.id).where(Person.display_name == "Grace Okonjo"))
        into = {t for (t,) in s.execute(select(Tie.target_id).where(
            Tie.kind == "health_talk", Tie.origin == "survey"))}  # fmt: skip
        total = s.scalar(select(func.count()).select_from(Tie).where(Tie.kind == "health_talk"))
    assert grace in into and len(named) + 3 == total
    # The organiser's pages work on a phone too.
    sign_in(phone, ORGANISER)
    for path in ("/admin/surveys", "/admin/surveys/new", f"/admin/surveys/{SLUG}"):
        phone.goto(path)
        on_phone(phone)

    # The 3% question on the health_talk ties alone.
    page.goto("/network/seeds?tie_kind=health_talk&model=direct&target=0.01", timeout=120_000)
    page.locator("#answer").wait_for(timeout=60_000)
    used = page.locator("#tie-kinds-used").inner_text()
    assert f"health_talk ({total})" in used and "energy" not in used
    assert_accessible(page)
    # And the picture of them, from the survey's page.
    page.goto(f"/admin/surveys/{SLUG}")
    link = page.get_by_role("link", name="see the network of the health_talk links")
    assert link.get_attribute("href") == "/network?tie_kind=health_talk"
    # The picture is laid out on the server: with cold kernels that takes a while.
    page.goto("/network?tie_kind=health_talk", timeout=120_000)
    assert page.get_by_role("heading", level=1).inner_text() == "Network"
    assert_accessible(page)
    assert console_errors == []
