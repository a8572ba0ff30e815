"""GET /api/v1/seeds: the 3% answer as JSON, reached only on a verified figure."""

from __future__ import annotations

import httpx
import pytest
from auth_helpers import add_users, client_for
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.app import App
from groundswell.store.models import AuditEvent

pytestmark = pytest.mark.anyio


async def test_direct_target_is_counted_exactly_with_a_bound(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/seeds", params={"model": "direct", "target": 0.9, "seed": 1})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["verified_by"] == "exact count" and got["reach_ci95"] == [got["reach"]] * 2
    assert got["verified_share"] == pytest.approx(got["reach"] / got["n"])
    assert got["reached"] is (got["verified_share"] >= 0.9)
    assert got["lower_bound"] is not None and 1 <= got["lower_bound"] <= got["seeds_count"]
    assert got["lower_bound_method"]
    # Nobody signed in: the chosen people are counted, never named.
    assert got["people"] == [] and got["hidden"] == got["seeds_count"]
    names = {b["name"] for b in got["baselines"]}
    assert "At random" in names and all(b["seeds"] <= got["seeds_count"] for b in got["baselines"])


async def test_consented_only_with_nobody_consenting_says_what_to_change(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/api/v1/seeds", params={"target": 0.9, "consented": True})
    assert r.status_code == 422 and "agreed to be contacted" in r.json()["detail"]


async def test_sampled_model_is_reached_only_on_the_checks_lower_bound(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/api/v1/seeds", params={"model": "ic", "p": 0.3, "target": 0.5})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["verified_by"].endswith("Monte Carlo runs")
    low = got["reach_ci95"][0] / got["n"]
    assert got["reached"] is (got["reached"] and low >= 0.5 - 1e-9)
    if got["reached"]:
        assert got["verified_share"] >= 0.5 and low >= 0.5 - 1e-9


async def test_best_k(client: httpx.AsyncClient) -> None:
    got = (await client.get("/api/v1/seeds", params={"k": 2})).json()
    assert got["target"] is None and got["reached"] is None and got["seeds_count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"target": 0.9, "k": 2},
        {"model": "ic"},
        {"model": "lt", "p": 0.5},
        {"target": 2},
        {"model": "sir"},
        {"k": 0},
    ],
)
async def test_bad_questions_get_a_plain_422(client: httpx.AsyncClient, params: dict) -> None:
    r = await client.get("/api/v1/seeds", params=params)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str) and r.json()["detail"]


@pytest.fixture
def app(db_app: App) -> App:
    return db_app


async def test_organisers_see_who_to_ask_in_their_area_and_it_is_audited(
    web: FastAPI, app: App
) -> None:
    add_users(app)
    async for organiser in client_for(web, "organiser"):
        r = await organiser.get("/api/v1/seeds", params={"model": "direct", "target": 0.9})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["people"] and len(got["people"]) + got["hidden"] == got["seeds_count"]
    assert all(int(person["id"][1:]) % 2 == 1 for person in got["people"])  # their town only
    with app.reading() as s:
        rows = s.execute(select(AuditEvent.actor, AuditEvent.action)).all()
    assert [tuple(row) for row in rows if row[1] == "network.seeds"] == [
        ("olu@example.org", "network.seeds")
    ]
