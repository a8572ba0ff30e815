"""/healthz says whether the database is reachable and at the newest schema revision."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store import migrate
from groundswell.web import create_app

pytestmark = pytest.mark.anyio


def client_for(gs: App) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(gs), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_healthy(client: httpx.AsyncClient, app: App):
    response = await client.get("/healthz")
    assert response.status_code == 200
    head = migrate.head_revision(app.engine)
    assert response.json() == {
        "status": "ok",
        "database_reachable": True,
        "revision": head,
        "head": head,
        "at_head": True,
        "detail": None,
    }


async def test_database_not_initialised(tmp_path: Path):
    gs = App.build(load_settings({}, database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    async with client_for(gs) as client:
        health = await client.get("/healthz")
        page = await client.get("/")
        api = await client.get("/api/v1/stats")
    gs.close()
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "error" and body["database_reachable"] is True
    assert body["revision"] is None and body["at_head"] is False
    assert "groundswell init" in body["detail"]
    # Pages and API say what to do instead of showing a traceback.
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.text
    # the visitor gets advice they can take; the operator's is in the log and the API
    assert "groundswell init" not in page.text
    assert "tell the people who run this service" in page.text
    assert "Traceback" not in page.text and "sqlite3" not in page.text
    assert api.status_code == 503
    assert "groundswell init" in api.json()["detail"]


async def test_database_unreachable(tmp_path: Path):
    # A folder where the database file should be: SQLite cannot open it.
    gs = App.build(load_settings({}, database_url=f"sqlite:///{tmp_path}"))
    async with client_for(gs) as client:
        health = await client.get("/healthz")
    gs.close()
    assert health.status_code == 503
    assert health.json()["database_reachable"] is False
    assert health.json()["status"] == "error"
