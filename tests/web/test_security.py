"""Security headers: no-store wherever personal data may be shown, and the HSTS setting."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from auth_helpers import add_users, client_for, fast_hashing  # noqa: F401
from fastapi import FastAPI

from groundswell.actions.stories import do_share_story
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
PERSONAL = ["/account", "/admin/users", "/api/v1/people", "/roles", "/stories/moderate",
            "/stories/packs", "/", "/initiatives"]  # fmt: skip


async def test_low_every_response_to_a_signed_in_user_is_no_store(web: FastAPI, app: App):
    add_users(app)
    async for admin in client_for(web, "admin"):
        for path in PERSONAL:
            response = await admin.get(path)
            assert response.status_code < 500, path
            assert response.headers["cache-control"] == "no-store", path


async def test_low_public_pages_stay_cacheable_and_a_storytellers_page_is_not(
    web: FastAPI, app: App
):
    shared = do_share_story(app, title="Mine", body="The staff listened.", consent="private")
    async for anon in client_for(web, "anonymous"):
        assert "cache-control" not in (await anon.get("/initiatives")).headers
        own = await anon.get(f"/stories/{shared.story_id}/yours?key={shared.withdraw_key}")
        assert own.status_code == 200 and own.headers["cache-control"] == "no-store"


async def test_low_hsts_is_sent_only_when_set(tmp_path: Path, expected, web: FastAPI):
    async for anon in client_for(web, "anonymous"):
        assert "strict-transport-security" not in (await anon.get("/")).headers
    gs = App.build(load_settings({}, data_dir=tmp_path, hsts_seconds=31_536_000,
                                 database_url=f"sqlite:///{tmp_path / 'gs.db'}"))  # fmt: skip
    transport = httpx.ASGITransport(app=create_app(gs), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        for path in ("/", "/static/css/groundswell.css", "/no-such-page"):
            sent = (await c.get(path)).headers["strict-transport-security"]
            assert sent == "max-age=31536000; includeSubDomains", path
    gs.close()
