"""Themes pages: organisers over the whole movement only, the run through the shared job
pool, curation by plain forms, and the public page and its JSON built from one list."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import pytest
from auth_helpers import BASE, PASSWORD, add_users, client_for, csrf_from, fast_hashing  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user
from groundswell.actions.themes_runs import current_themes
from groundswell.app import App
from groundswell.store.models import AuditEvent, HarvestNote, NoteStatus
from groundswell.web import create_app
from groundswell.web.routes import themes as themes_routes

pytestmark = pytest.mark.anyio
_SPEC = importlib.util.spec_from_file_location(
    "themes_world", Path(__file__).resolve().parents[1] / "actions" / "themes_world.py"
)
assert _SPEC and _SPEC.loader
world = sys.modules.setdefault("themes_world", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(world)
CONVENER = "convener@example.org"  # an organiser over the whole movement


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def web(app: App) -> FastAPI:
    world.build(app)
    add_users(app)
    do_create_user(app, email=CONVENER, display_name="Convener", password=PASSWORD,
                   role="organiser", scope="*")  # fmt: skip
    return create_app(app)


@pytest.fixture
async def convener(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        page = await client.get("/sign-in")
        form = {"email": CONVENER, "password": PASSWORD, "csrf_token": csrf_from(page.text)}
        signed = await client.post("/sign-in", data=form)
        assert signed.status_code == 303
        yield client


async def _post(client: httpx.AsyncClient, page: str, url: str, data: dict) -> httpx.Response:
    token = csrf_from((await client.get(page)).text)
    return await client.post(url, data={**data, "csrf_token": token})


async def _run(client: httpx.AsyncClient, **data: str) -> httpx.Response:
    started = await _post(client, "/listening/themes", "/listening/themes/run", data)
    assert started.status_code == 303 and started.headers["location"].startswith(
        "/listening/themes/run?job="
    )
    done = await client.get(started.headers["location"])
    assert done.status_code == 303, done.text
    return await client.get(done.headers["location"])


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 303), ("participant", 403), ("organiser", 403), ("moderator", 403),
     ("admin", 200)],
)  # fmt: skip
async def test_only_movement_wide_organisers(web: FastAPI, role: str, status: int) -> None:
    async for client in client_for(web, role):
        assert (await client.get("/listening/themes")).status_code == status
        assert (await client.post("/listening/themes/run", data={})).status_code in (303, 403)


async def test_find_merge_link_and_the_public_page(convener, app: App) -> None:
    page = await _run(convener, source=["notes", "comments", "statements", "stories"],
                      themes="3", seed="0")  # fmt: skip
    assert page.status_code == 200 and "Found 3 themes in 45 texts" in page.text
    rows = {next(w for w in ("park", "wait", "kind") if w in t.label): t
            for t in current_themes(app).themes}  # fmt: skip
    assert f'href="/listening/themes/{rows["park"].id}"' in page.text
    assert "fewer than 10" in page.text  # Heysham's and Lancaster's comments

    notes = await convener.get("/listening/themes?source=notes")
    assert notes.text.count('href="/listening/themes/') == 1

    theme_url = f"/listening/themes/{rows['park'].id}"
    theme = await convener.get(theme_url)
    assert theme.status_code == 200 and theme.text.count("<blockquote") == 3
    merge = {"step": "merge", "other": str(rows["wait"].id)}
    merged = await _post(convener, theme_url, theme_url, merge)
    assert merged.status_code == 303 and merged.headers["location"].endswith("done=merge")
    rename = {"step": "rename", "label": "Getting to the hospital"}
    renamed = await _post(convener, theme_url, theme_url, rename)
    assert renamed.headers["location"].endswith("done=rename")
    linked = await _post(convener, theme_url, theme_url, {
        "step": "link", "initiative": "fair-parking", "what_changed": "Free parking for carers",
    })  # fmt: skip
    assert linked.headers["location"].endswith("done=link")
    no_words = {"step": "link", "initiative": "fair-parking"}
    refused = await _post(convener, theme_url, theme_url, no_words)
    assert "error=" in refused.headers["location"]

    public = await convener.get("/you-said-we-did")
    assert public.status_code == 200
    assert "Getting to the hospital" in public.text and "Free parking for carers" in public.text
    data = (await convener.get("/you-said-we-did.json")).json()
    assert [t["label"] for t in data["themes"]] == ["Getting to the hospital"]
    assert data["themes"][0]["texts"] == 30 and data["themes"][0]["towns"] == {"Morecambe": 15}
    assert len(data["themes"][0]["quotes"]) == 3
    assert all(q in public.text for q in data["themes"][0]["quotes"])
    with app.reading() as s:
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor == CONVENER)))
    assert {"themes.list", "themes.read", "themes.merge", "themes.rename", "themes.link"} <= actions


async def test_public_page_hides_small_themes_and_personal_data(convener, app: App) -> None:
    with app.transaction() as s:  # an organiser releases the note held for its phone number
        held = s.scalars(select(HarvestNote).where(HarvestNote.status == NoteStatus.PENDING)).one()
        held.status = NoteStatus.VISIBLE
    await _run(convener, themes="3")
    rows = {next(w for w in ("park", "wait", "kind") if w in t.label): t
            for t in current_themes(app).themes}  # fmt: skip
    theme_url = f"/listening/themes/{rows['park'].id}"
    detail = await convener.get(theme_url)
    items = re.findall(r'name="item" value="(\d+)"', detail.text)
    assert len(items) == rows["park"].size >= 10
    for item in items[: len(items) - 9]:  # down to 9 texts: too few to show in public
        await _post(convener, theme_url, theme_url, {"step": "move", "item": item, "to": "none"})
    await _post(convener, theme_url, theme_url, {
        "step": "link", "initiative": "fair-parking", "what_changed": "More spaces",
    })  # fmt: skip
    assert (await convener.get("/listening/themes")).text.count("Acting on") == 1
    public = await convener.get("/you-said-we-did")
    assert "More spaces" not in public.text and "07700" not in public.text
    assert (await convener.get("/you-said-we-did.json")).json() == {"themes": []}


async def test_bad_input_and_forged_posts(convener, web: FastAPI) -> None:
    bad = await _post(convener, "/listening/themes", "/listening/themes/run", {"themes": "many"})
    assert bad.status_code == 303 and "whole+number" in bad.headers["location"]
    shown = await convener.get(bad.headers["location"])
    assert "There is a problem" in shown.text
    forged = await convener.post("/listening/themes/run", data={"themes": "3"})
    assert forged.status_code == 403
    assert (await convener.get("/listening/themes/999")).status_code == 404
    assert (await convener.get("/listening/themes/run?job=nope")).status_code == 404


async def test_a_slow_run_shows_the_progress_page(convener, web: FastAPI) -> None:
    web.state.heavy_inline_seconds = 0.0  # as under "groundswell serve": answer at once
    started = await _post(convener, "/listening/themes", "/listening/themes/run", {})
    url = started.headers["location"]
    waiting = await convener.get(url)
    assert waiting.status_code in (202, 303)
    if waiting.status_code == 202:
        assert "Finding themes" in waiting.text and url.replace("&", "&amp;") in waiting.text
    for _ in range(200):
        waiting = await convener.get(url)
        if waiting.status_code == 303:
            break
        await anyio.sleep(0.1)
    assert waiting.status_code == 303 and "done=Found" in waiting.headers["location"]


async def test_the_engines_refusal_comes_back_to_the_page(convener) -> None:
    started = await _post(convener, "/listening/themes", "/listening/themes/run",
                          {"themes": "100", "source": "stories"})  # fmt: skip
    refused = await convener.get(started.headers["location"])
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    shown = await convener.get(refused.headers["location"])
    assert "There is a problem" in shown.text and "ask for fewer themes" in shown.text
    too_many = await _post(convener, "/listening/themes", "/listening/themes/run",
                           {"themes": "500"})  # fmt: skip
    assert "between+1+and+200" in too_many.headers["location"]


async def test_a_second_press_joins_the_pending_run(
    convener, web: FastAPI, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    web.state.heavy_inline_seconds = 0.0
    release, calls = threading.Event(), []
    real = themes_routes._run_work

    def slow(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        release.wait(10)
        return real(*args)

    monkeypatch.setattr(themes_routes, "_run_work", slow)
    first = await _post(convener, "/listening/themes", "/listening/themes/run", {})
    second = await _post(convener, "/listening/themes", "/listening/themes/run", {"seed": "3"})
    assert first.headers["location"] == second.headers["location"]
    release.set()
    for _ in range(200):
        done = await convener.get(first.headers["location"])
        if done.status_code == 303:
            break
        await anyio.sleep(0.1)
    third = await _post(convener, "/listening/themes", "/listening/themes/run", {})
    assert third.headers["location"] != first.headers["location"]
    for _ in range(200):
        if (await convener.get(third.headers["location"])).status_code == 303:
            break
        await anyio.sleep(0.1)
    assert len(calls) == 2


async def test_messages_from_the_address_are_cut(convener, app: App) -> None:
    long = "x" * 500
    page = await convener.get(f"/listening/themes?done={long}&error={long}")
    assert "x" * 200 in page.text and "x" * 201 not in page.text
    await _run(convener, themes="3")
    theme = current_themes(app).themes[0].id
    page = await convener.get(f"/listening/themes/{theme}?done={long}&error={long}")
    assert "x" * 200 in page.text and "x" * 201 not in page.text
