"""The "find the 3%" page's reads of personal data, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from auth_helpers import add_users, client_for
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.app import App
from groundswell.store.models import AuditEvent

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(db_app: App) -> App:
    """Every test here runs on each database."""
    return db_app


async def test_finding_page_who_to_ask_is_scoped_paged_and_audited(web: FastAPI, app: App) -> None:
    add_users(app)
    query = {"model": "direct", "p": "1", "mode": "target", "target": "90"}
    async for organiser in client_for(web, "organiser"):
        page = await organiser.get("/network/seeds", params=query)
        csv = await organiser.get("/network/seeds.csv", params=query)
    assert page.status_code == 200 and csv.status_code == 200, page.text
    table = page.text.split('id="chosen-people"')[1].split("</table>")[0]
    shown = re.findall(r'scope="row">(p\d\d)</th>', table)
    listed = [line.split(",")[1] for line in csv.text.strip().splitlines()[1:]]
    assert shown == listed and all(int(label[1:]) % 2 == 1 for label in listed)
    assert 'id="lower-bound"' in page.text
    with app.reading() as s:
        rows = s.execute(select(AuditEvent.actor, AuditEvent.action)
                         .order_by(AuditEvent.id)).all()  # fmt: skip
    assert [tuple(r) for r in rows if r[1].startswith("network.seeds")] == [
        ("olu@example.org", "network.seeds"),
        ("olu@example.org", "network.seeds.csv"),
    ]
