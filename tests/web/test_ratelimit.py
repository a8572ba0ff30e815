"""Rate limits and caps on public writes, and the cap on heavy network pages."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select

from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import Story, StoryTag
from groundswell.web.heavy import QUEUE_PER_WORKER, HeavyWork
from groundswell.web.ratelimit import RateLimiter

pytestmark = pytest.mark.anyio
LIMIT = 2  # submissions, votes and sign-ins a minute in these tests; the clock stands still
FORM = {"email": "nobody@example.org", "password": "not this one", "title": "A title",
        "body": "A story.", "consent": "private", "tid": "0", "vote": "agree",
        "text": "A statement", "key": "not-the-key", "action": "withdraw", "story_id": "1",
        "decision": "accept", "to_mode": "ceding", "method": "co_produced"}  # fmt: skip
# Real targets from the sample movement, so a route answers as it would to a real request.
SLUGS = {"conversations": "what-would-help", "initiatives": "mile-a-day",
         "campaigns": "mile-march"}  # fmt: skip


@pytest.fixture
def limited(web: FastAPI, app: App) -> FastAPI:
    settings = load_settings({}, submissions_per_minute=LIMIT, votes_per_minute=LIMIT,
                             sign_in_per_minute=LIMIT, heavy_pages_at_once=1)  # fmt: skip
    web.state.ratelimiter = RateLimiter.from_settings(settings, clock=lambda: 0.0)
    return web


@pytest.fixture
async def anon(limited: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        yield c


async def token(client: httpx.AsyncClient) -> str:
    page = await client.get("/stories/share")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def post_paths(web: FastAPI) -> list[str]:
    """Every POST route of the app, path parameters filled with a plausible value."""
    paths = []
    for context in iter_route_contexts(web.routes):
        if context.path and "POST" in (context.methods or ()):
            slug = SLUGS.get(context.path.split("/")[1], "x")
            path = re.sub(r"\{\w+id\}", "1", context.path)
            paths.append(re.sub(r"\{\w+\}", slug, path))
    return sorted(set(paths))


def needs_sign_in(response: httpx.Response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("location", "")
    return response.status_code == 303 and location.startswith("/sign-in")


async def test_finding_9_every_public_post_is_rate_limited(anon: httpx.AsyncClient, limited):
    paths = post_paths(limited)
    assert "/stories/share" in paths and "/conversations/what-would-help/vote" in paths
    csrf = await token(anon)
    unlimited = []
    for path in paths:
        answers = [await anon.post(path, data={**FORM, "csrf_token": csrf})
                   for _ in range(4 * LIMIT + 1)]  # fmt: skip
        if path == "/sign-out" or all(needs_sign_in(a) for a in answers):
            continue  # not a public write: sign-out only ends the visitor's own session
        if not any(a.status_code == 429 for a in answers):
            unlimited.append((path, sorted({a.status_code for a in answers})))
    assert unlimited == [], unlimited


async def test_finding_9_story_sharing_stops_at_the_limit(anon: httpx.AsyncClient, app: App):
    def stories() -> int:
        with app.reading() as s:
            return s.scalar(select(func.count()).select_from(Story)) or 0

    before, csrf = stories(), await token(anon)
    answers = [await anon.post("/stories/share", data={**FORM, "csrf_token": csrf})
               for _ in range(LIMIT + 3)]  # fmt: skip
    assert [a.status_code for a in answers] == [303] * LIMIT + [429] * 3
    assert "Retry-After" in answers[-1].headers
    assert stories() == before + LIMIT


async def test_finding_9_tags_are_capped_with_an_error_on_the_field(
    anon: httpx.AsyncClient, app: App
):
    csrf = await token(anon)
    many = ",".join(f"tag{i}" for i in range(20_000))
    refused = await anon.post("/stories/share", data={**FORM, "tags": many, "csrf_token": csrf})
    assert refused.status_code == 422
    assert 'id="tags-error"' in refused.text and "at most 20" in refused.text
    long = await anon.post("/stories/share", data={**FORM, "tags": "x" * 61, "csrf_token": csrf})
    assert long.status_code == 422 and "keep each under 60" in long.text
    with app.reading() as s:
        assert s.scalar(select(func.count()).select_from(StoryTag).where(
            StoryTag.tag.like("tag%"))) == 0  # fmt: skip


async def test_finding_9_heavy_network_pages_answer_busy_rather_than_exhaust_the_pool(
    anon: httpx.AsyncClient, limited: FastAPI
):
    gate = limited.state.ratelimiter.heavy
    assert gate.acquire(blocking=False)  # another visitor's download is being worked out
    try:
        busy = await anon.get("/network/seeds.csv", params={"model": "direct", "p": "1"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5" and "Try again later" in busy.text
    finally:
        gate.release()
    # The pages' answers are shared jobs (web.heavy): past the queue's bound, busy too.
    pool = HeavyWork(workers=1, anonymous_per_minute=100)
    limited.state.heavy_work = pool
    hold = threading.Event()
    try:
        for i in range(QUEUE_PER_WORKER):
            pool.submit(f"other-{i}", lambda: hold.wait(10), ttl=60, address=None)
        asked = {"/network/seeds": {"model": "direct", "p": "1", "mode": "k", "k": "2"},
                 "/network/spread": {"model": "ic", "p": "0.1"}, "/roles": {}}  # fmt: skip
        for path, query in asked.items():
            busy = await anon.get(path, params=query)
            assert busy.status_code == 503, path
            assert busy.headers["Retry-After"] == "5" and "Try again later" in busy.text
    finally:
        hold.set()
        del limited.state.heavy_work
    assert (await anon.get("/network/seeds")).status_code == 200
