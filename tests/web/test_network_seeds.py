"""The "find the 3%" page: a GET form without JavaScript, its answer, chart and tables."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import add_users, client_for
from fastapi import FastAPI

from groundswell.app import App
from groundswell.store.models import Person

pytestmark = pytest.mark.anyio


def answer(html: str) -> tuple[int, float]:
    match = re.search(r'id="answer" data-seeds="(\d+)" data-reach="([\d.]+)"', html)
    assert match, "no answer shown"
    return int(match.group(1)), float(match.group(2))


async def test_form_without_results(client: httpx.AsyncClient) -> None:
    r = await client.get("/network/seeds")
    assert r.status_code == 200
    assert '<form method="get" action="/network/seeds"' in r.text
    assert 'id="answer"' not in r.text
    network = await client.get("/network")
    assert 'href="/network/seeds"' in network.text


async def test_direct_contact_target_answers_the_3_percent_question(
    client: httpx.AsyncClient,
) -> None:
    # Direct contact with p = 1: p00 reaches 7 of 12; 90% (11 people) needs
    # p00, a chain person or two... and p11, who has no ties, must seed herself.
    query = {"model": "direct", "p": "1", "mode": "target", "target": "90", "seed": "1"}
    r = await client.get("/network/seeds", params=query)
    assert r.status_code == 200, r.text
    seeds, reach = answer(r.text)
    assert 3 <= seeds <= 5 and reach >= 0.9
    assert "On your network," in r.text and "it does not hold here" in r.text
    svg = r.text.split('id="coverage-chart"')[1].split("</svg>")[0]
    assert 'role="img"' in r.text.split('id="coverage-chart"')[0].rsplit("<svg", 1)[1]
    assert "style=" not in svg and "3% of people" in svg
    assert "target 90%" in svg
    assert 'id="coverage-table"' in r.text and 'id="baselines"' in r.text
    for name in ("Most ties", "PageRank", "Deepest k-core", "At random"):
        assert name in r.text
    # Plain words up front; how it was worked out in a details element.
    details = r.text.split('id="how-worked-out"')[1].split("</details>")[0]
    assert "counted exactly" in details and "RR sets" not in r.text.split("<details")[0]
    assert "max_members" not in r.text
    assert 'id="lower-bound"' in r.text and "needed by any choice" in r.text
    assert "at least" in svg and "needed" in svg
    # Anonymous visitors get the answer, not who the people are.
    assert 'id="chosen-people"' not in r.text and 'id="people-hidden"' in r.text


async def test_best_k_and_same_seed_same_answer(client: httpx.AsyncClient) -> None:
    query = {"model": "ic", "p": "0.5", "mode": "k", "k": "2", "seed": "3"}
    a = await client.get("/network/seeds", params=query)
    b = await client.get("/network/seeds", params=query)
    assert a.status_code == 200, a.text
    assert answer(a.text) == answer(b.text) and answer(a.text)[0] == 2
    assert "OPIM-C with epsilon 0.2" in a.text
    assert "it holds here" in a.text or "it does not hold here" in a.text


async def test_consented_only_chooses_among_consenting_people(
    client: httpx.AsyncClient, app: App
) -> None:
    query = {"model": "direct", "p": "1", "mode": "k", "k": "1", "consented": "yes"}
    r = await client.get("/network/seeds", params=query)
    assert r.status_code == 422 and "nobody has agreed to be contacted" in r.text
    with app.transaction() as s:
        s.query(Person).filter(Person.ref == "p09").update({"consent_contact": True})
    r = await client.get("/network/seeds", params=query)
    assert r.status_code == 200, r.text
    assert "Only people who agreed to be contacted" in r.text
    assert answer(r.text)[0] == 1


@pytest.fixture
async def organiser(web: FastAPI, app: App) -> AsyncIterator[httpx.AsyncClient]:
    add_users(app)
    async for client in client_for(web, "organiser"):
        yield client


async def test_an_organiser_sees_the_people_in_their_area(
    organiser: httpx.AsyncClient,
) -> None:
    # The organiser's scope is Leeds: odd-numbered people. The best single
    # seed under direct contact is the hub p00 (Bradford), so it stays hidden;
    # with 12 people every Leeds person chosen is listed with town and ties.
    query = {"model": "direct", "p": "1", "mode": "k", "k": "12"}
    r = await organiser.get("/network/seeds", params=query)
    assert r.status_code == 200, r.text
    table = r.text.split('id="chosen-people"')[1].split("</table>")[0]
    shown = re.findall(r'scope="row">(p\d\d)</th>', table)
    assert shown, table
    assert all(int(label[1:]) % 2 == 1 for label in shown), shown
    assert "Leeds" in table and "Bradford" not in table
    assert "p00" not in table and 'id="people-hidden"' in r.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"model": "ic", "p": "2"}, "p must be in [0, 1]"),
        ({"model": "ic", "p": "lots"}, "Chance p: &#39;lots&#39; is not a number"),
        ({"model": "sir"}, "How people take it up: choose one of"),
        ({"model": "ic", "target": "150"}, "Target share: choose a percentage"),
        ({"model": "ic", "mode": "k", "k": "0"}, "How many people: choose between 1 and 12"),
        ({"model": "ic", "mode": "k", "k": "two"}, "&#39;two&#39; is not a whole number"),
    ],
)
async def test_bad_input_shows_the_form_with_the_problem(
    client: httpx.AsyncClient, query: dict[str, str], message: str
) -> None:
    r = await client.get("/network/seeds", params=query)
    assert r.status_code == 422
    assert "There is a problem" in r.text and message in r.text
    assert '<form method="get"' in r.text and "Traceback" not in r.text


async def test_finding_7_seeds_named_to_an_organiser_leave_one_audit_row(
    organiser: httpx.AsyncClient, app: App
) -> None:
    from sqlalchemy import select

    from groundswell.store.models import AuditEvent

    query = {"model": "direct", "p": "1", "mode": "k", "k": "12"}
    assert (await organiser.get("/network/seeds", params=query)).status_code == 200
    with app.reading() as s:
        rows = s.execute(select(AuditEvent.actor, AuditEvent.action)
                         .where(AuditEvent.action == "network.seeds")).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [("olu@example.org", "network.seeds")]


async def test_finding_4_an_initiative_organiser_sees_its_members_among_the_seeds(
    web: FastAPI, app: App
) -> None:
    from groundswell.actions.accounts import do_grant_role

    add_users(app)
    do_grant_role(app, email="pat@example.org", role="organiser", scope="initiative:mile-a-day")
    query = {"model": "direct", "p": "1", "mode": "k", "k": "12"}
    async for walker in client_for(web, "participant"):
        r = await walker.get("/network/seeds", params=query)
    table = r.text.split('id="chosen-people"')[1].split("</table>")[0]
    shown = set(re.findall(r'scope="row">(p\d\d)</th>', table))
    assert "p00" in shown and shown <= {"p00", "p01", "p02", "p03"}, shown  # the members


async def test_finding_page_chosen_people_are_all_listed_paged_and_downloadable(
    organiser: httpx.AsyncClient, app: App
) -> None:
    from sqlalchemy import select

    from groundswell.actions import seeds as action
    from groundswell.store.models import AuditEvent

    query = {"model": "direct", "p": "1", "mode": "k", "k": "12"}
    old = action.PAGE_SIZE
    action.PAGE_SIZE = 1
    try:
        first = await organiser.get("/network/seeds", params=query)
        second = await organiser.get("/network/seeds", params={**query, "page": "2"})
    finally:
        action.PAGE_SIZE = old
    assert 'id="people-pages"' in first.text and "Next page" in first.text
    rows = [
        re.findall(
            r'scope="row">(p\d\d)</th>', r.text.split('id="chosen-people"')[1].split("</table>")[0]
        )
        for r in (first, second)
    ]
    assert len(rows[0]) == 1 and rows[0] != rows[1]
    csv = await organiser.get("/network/seeds.csv", params=query)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "order,id,name,town,ties,tie_kinds"
    listed = [line.split(",")[1] for line in lines[1:]]
    assert listed and all(int(label[1:]) % 2 == 1 for label in listed)  # Leeds only
    assert "Leeds" in csv.text and "Bradford" not in csv.text
    with app.reading() as s:
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    assert "network.seeds.csv" in actions


async def test_finding_page_anonymous_download_names_nobody(client: httpx.AsyncClient) -> None:
    query = {"model": "direct", "p": "1", "mode": "k", "k": "3"}
    csv = await client.get("/network/seeds.csv", params=query)
    assert csv.status_code == 200
    assert csv.text.strip().splitlines() == ["order,id,name,town,ties,tie_kinds"]


async def test_finding_page_choice_is_not_beaten_by_a_simple_choice(
    client: httpx.AsyncClient, app: App
) -> None:
    with app.transaction() as s:
        s.query(Person).update({"consent_contact": True})
    for consented in ("yes", ""):
        query = {"model": "direct", "p": "0.5", "mode": "k", "k": "3", "consented": consented}
        r = await client.get("/network/seeds", params=query)
        assert r.status_code == 200, r.text
        table = r.text.split('id="baselines"')[1].split("</table>")[0]
        reaches = [float(x) for x in re.findall(r'numeric">([\d.]+)</td>', table)]
        assert reaches[0] >= max(reaches[1:]) - 1e-9, reaches


def test_review_a_lower_target_reached_says_nothing_of_the_3_percent_rule_by_itself(
    web: FastAPI, app: App
) -> None:
    """Reaching 50% with few people does not show that 3% reach 90%: the curve decides."""
    from groundswell.actions.seeds import RULE_REACH, SeedsQuestion, answer_seeds_question
    from groundswell.spread import Model

    asked = SeedsQuestion(Model("direct"), "target", 0.5, None, False, 0)
    result = answer_seeds_question(app, asked, None)
    assert result["reached"]
    expected = None if result["rule_reach"] is None else result["rule_reach"] >= RULE_REACH
    assert result["holds"] == expected


async def test_ic_with_p_1_is_counted_exactly(client: httpx.AsyncClient) -> None:
    # Nothing is left to chance: the reach is who can be reached along ties.
    for mode in ({"mode": "target", "target": "90"}, {"mode": "k", "k": "2"}):
        r = await client.get("/network/seeds", params={"model": "ic", "p": "1", **mode})
        assert r.status_code == 200, r.text
        assert "counted exactly" in r.text and "independent simulations" not in r.text
        assert "reach counted exactly for every person" in r.text
