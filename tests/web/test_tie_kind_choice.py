"""Choosing kinds of tie on the network pages and the seeds API, on SQLite and PostgreSQL:
only the kinds chosen reach the engines, every answer says which, and the heavy jobs'
keys differ by kinds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from auth_helpers import add_users, client_for
from fastapi import FastAPI
from sqlalchemy import select

import groundswell.actions.roles_report as roles_report
import groundswell.seeds as seeds_engine
import groundswell.spread as spread_engine
from groundswell.app import App
from groundswell.store.models import Person, Tie

pytestmark = pytest.mark.anyio

TALK = "tie kinds: health_talk (3); each tie read both ways"
EVERY = "tie kinds: health_talk (3), knows (11); each tie read both ways"


@pytest.fixture
def app(db_app: App) -> App:
    """Every test here runs on each database."""
    return db_app


@pytest.fixture
def talk(app: App, expected: dict[str, int]) -> None:
    """Three health_talk ties beside the sample movement's eleven knows ties."""
    with app.transaction() as s:
        ids = {ref: pid for ref, pid in s.execute(select(Person.ref, Person.id))}
        s.add_all(
            Tie(source_id=ids[a], target_id=ids[b], kind="health_talk")
            for a, b in (("p10", "p11"), ("p11", "p03"), ("p03", "p05"))
        )


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of ties of each graph handed to the seeds, spread and roles engines."""
    seen: list[int] = []

    def spy(original: Any, at: int = 0) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            seen.append(int(args[at].m))
            return original(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(seeds_engine, "fewest_seeds", spy(seeds_engine.fewest_seeds))
    monkeypatch.setattr(seeds_engine, "best_k", spy(seeds_engine.best_k))
    monkeypatch.setattr(spread_engine, "simulate", spy(spread_engine.simulate))
    monkeypatch.setattr(roles_report, "gather_evidence", spy(roles_report.gather_evidence))
    yield seen


SEEDS = {"model": "direct", "p": "1", "mode": "k", "k": "2"}
SPREAD = {"model": "direct", "p": "1", "choose": "labels", "labels": "p11", "runs": "1"}


async def test_pages_read_only_the_kinds_ticked(
    web: FastAPI, app: App, talk: None, engines: list[int]
) -> None:
    add_users(app)  # signed in: no per-minute allowance of new answers to run out of
    async for client in client_for(web, "organiser"):
        form = await client.get("/network/seeds")
        assert 'name="tie_kind" type="checkbox" value="health_talk"' in form.text
        assert "health talk (3 ties)" in form.text and "knows (11 ties)" in form.text
        for path, query in (("/network/seeds", SEEDS), ("/network/spread", SPREAD),
                            ("/roles", {})):  # fmt: skip
            engines.clear()
            every = await client.get(path, params=query)
            chosen = await client.get(path, params={**query, "tie_kind": "health_talk"})
            assert every.status_code == chosen.status_code == 200, chosen.text
            assert engines == [14, 3], (path, engines)
            assert EVERY in every.text and TALK in chosen.text
            assert 'value="health_talk" checked' in chosen.text
        # Both kinds ticked read the same ties as none ticked.
        both = await client.get(
            "/network/spread", params=[*SPREAD.items(), ("tie_kind", "knows"),
                                       ("tie_kind", "health_talk")],
        )  # fmt: skip
        assert EVERY in both.text


async def test_an_unknown_kind_is_refused_on_pages_and_api(web: FastAPI, talk: None) -> None:
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for path, query in (("/network/seeds", SEEDS), ("/network/spread", SPREAD),
                            ("/roles", {})):  # fmt: skip
            page = await client.get(path, params={**query, "tie_kind": "gossip"})
            assert page.status_code == 422, path
            assert "Kind of tie gossip: no ties of that kind are recorded" in page.text
            assert "health_talk (3), knows (11)" in page.text
        api = await client.get("/api/v1/seeds", params={"tie_kind": "gossip"})
    assert api.status_code == 422 and "tie_kind gossip" in api.text


async def test_api_and_csv_say_which_kinds(web: FastAPI, app: App, talk: None) -> None:
    add_users(app)
    async for organiser in client_for(web, "organiser"):
        api = await organiser.get("/api/v1/seeds", params={"k": "2", "tie_kind": "health_talk"})
        every = await organiser.get("/api/v1/seeds", params={"k": "2"})
        download = await organiser.get(
            "/network/seeds.csv", params={**SEEDS, "tie_kind": "health_talk"}
        )
    assert api.status_code == 200, api.text
    assert api.json()["tie_kinds"] == {
        "used": {"health_talk": 3}, "directed": False, "statement": TALK,
    }  # fmt: skip
    assert every.json()["tie_kinds"]["used"] == {"health_talk": 3, "knows": 11}
    assert {p["id"] for p in api.json()["people"]} <= {"p03", "p05", "p10", "p11"}
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["order", "id", "name", "town", "ties", "tie_kinds"]
    assert len(rows) > 1 and all(row[5] == TALK for row in rows[1:])


async def test_heavy_job_keys_differ_by_kinds(web: FastAPI, app: App, talk: None) -> None:
    add_users(app)
    async for client in client_for(web, "organiser"):
        for path, query in (("/network/seeds", SEEDS), ("/network/spread", SPREAD),
                            ("/roles", {})):  # fmt: skip
            before = set(web.state.heavy_work._jobs) if hasattr(web.state, "heavy_work") else set()
            for kinds in ([], ["knows"], ["health_talk"], ["health_talk"]):
                await client.get(path, params=[*query.items(), *(("tie_kind", k) for k in kinds)])
            assert len(set(web.state.heavy_work._jobs) - before) == 3, path


async def test_counts_of_ties_under_10_only_to_those_who_may_see_people(
    web: FastAPI, app: App, talk: None
) -> None:
    add_users(app)
    async for client in client_for(web, "anonymous"):
        page = (await client.get("/network")).text
        assert "health talk (fewer than 10 ties)" in page and "(3 ties)" not in page
        assert "knows (11 ties)" in page
    async for client in client_for(web, "organiser"):
        page = (await client.get("/network")).text
        assert "health talk (3 ties)" in page
