"""Heavy answers off the request path: one job per question, a progress page, a cache, limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from groundswell.app import App
from groundswell.errors import InvalidInput
from groundswell.settings import load_settings
from groundswell.store.models import Conversation, Participant, Statement, Vote
from groundswell.web import create_app
from groundswell.web.heavy import QUEUE_PER_WORKER, HeavyWork
from groundswell.web.ratelimit import Busy, RateLimited
from groundswell.web.routes import network_spread


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pool() -> Iterator[HeavyWork]:
    work = HeavyWork(workers=2, anonymous_per_minute=3)
    yield work
    work.close()


def test_identical_questions_share_one_computation(pool: HeavyWork) -> None:
    calls: list[int] = []
    gate = threading.Event()

    def work() -> int:
        gate.wait(5)
        calls.append(1)
        return 42

    first, started = pool.submit("q", work, ttl=60, address=None)
    again, started_again = pool.submit("q", work, ttl=60, address=None)
    assert started and not started_again and again is first
    gate.set()
    assert first.future.result(5) == 42
    cached, fresh = pool.submit("q", work, ttl=60, address=None)
    assert cached is first and not fresh and calls == [1]


def test_an_answer_is_forgotten_after_its_time(pool: HeavyWork) -> None:
    clock = Clock()
    pool.clock = clock
    job, _ = pool.submit("q", lambda: 1, ttl=10, address=None)
    job.future.result(5)
    clock.now += 11
    assert pool.job("q") is None
    again, started = pool.submit("q", lambda: 2, ttl=10, address=None)
    assert started and again.future.result(5) == 2


def test_an_error_reaches_the_asker_and_is_not_kept(pool: HeavyWork) -> None:
    def bad() -> None:
        raise InvalidInput("Runs: choose between 1 and 10,000")

    job, _ = pool.submit("q", bad, ttl=600, address=None)
    with pytest.raises(InvalidInput, match="Runs"):
        job.future.result(5)
    polled, started = pool.submit("q", bad, ttl=600, address=None, retry=False)
    assert polled is job and not started  # a poll sees the error
    again, started = pool.submit("q", lambda: 3, ttl=600, address=None)
    assert started and again.future.result(5) == 3  # asked again: worked out again


def test_a_visitor_without_an_account_may_start_a_few_a_minute(pool: HeavyWork) -> None:
    for i in range(3):
        pool.submit(f"q{i}", lambda: 1, ttl=60, address="10.0.0.1")
    pool.submit("q0", lambda: 1, ttl=60, address="10.0.0.1")  # already worked out: free
    pool.submit("other", lambda: 1, ttl=60, address="10.0.0.2")  # another address
    pool.submit("signed-in", lambda: 1, ttl=60, address=None)  # an account: no limit
    with pytest.raises(RateLimited) as refused:
        pool.submit("q9", lambda: 1, ttl=60, address="10.0.0.1")
    assert refused.value.status_code == 429 and refused.value.retry_after >= 1


def test_a_full_queue_answers_busy(pool: HeavyWork) -> None:
    gate = threading.Event()
    try:
        for i in range(2 * QUEUE_PER_WORKER):
            pool.submit(f"q{i}", lambda: gate.wait(5), ttl=60, address=None)
        with pytest.raises(Busy):
            pool.submit("one-more", lambda: 1, ttl=60, address=None)
        assert pool.pending() == 2 * QUEUE_PER_WORKER
    finally:
        gate.set()


# The spread page, with its simulation slowed down: the progress page, polling, the cache.

QUERY = {"choose": "labels", "labels": "p00", "model": "ic", "p": "1", "runs": "50"}


@pytest.fixture(autouse=True)
def as_served(web: FastAPI) -> None:
    """Wait a second, then show progress, as ``groundswell serve`` sets it up."""
    web.state.heavy_inline_seconds = 1.0


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``simulate_form`` that waits for ``release`` and counts its calls."""
    state: dict[str, Any] = {"calls": 0, "release": threading.Event()}
    real = network_spread.simulate_form

    def slowed(gs: Any, *args: Any) -> dict[str, Any]:
        state["calls"] += 1
        state["release"].wait(10)
        return real(gs, *args)

    monkeypatch.setattr(network_spread, "simulate_form", slowed)
    return state


@pytest.mark.anyio
async def test_a_slow_answer_shows_progress_then_fills_in(
    client: httpx.AsyncClient, slow: dict[str, Any]
) -> None:
    started = time.perf_counter()
    first = await client.get("/network/spread", params=QUERY)
    assert 1.0 <= time.perf_counter() - started < 3.0  # waited a second, then answered
    assert first.status_code == 202 and first.headers["cache-control"] == "no-store"
    assert "Working out how far it spreads" in first.text
    assert 'hx-trigger="every 1s"' in first.text
    assert "Refresh to see if it is ready" in first.text  # the way without JavaScript
    started = time.perf_counter()
    second = await client.get("/network/spread", params=QUERY)
    assert second.status_code == 202 and time.perf_counter() - started < 0.5  # no second wait
    poll = {"HX-Request": "true", "HX-Target": "heavy-progress"}
    polled = await client.get("/network/spread", params=QUERY, headers=poll)
    assert polled.status_code == 202 and "<html" not in polled.text
    assert 'id="heavy-progress"' in polled.text

    slow["release"].set()
    for _ in range(300):  # the first simulation in a process may compile kernels
        polled = await client.get("/network/spread", params=QUERY, headers=poll)
        if polled.status_code == 200:
            break
        await anyio.sleep(0.1)
    assert polled.headers.get("hx-refresh") == "true"
    done = await client.get("/network/spread", params=QUERY)
    assert done.status_code == 200 and 'data-reach="11.0' in done.text
    assert slow["calls"] == 1  # four requests, one computation


async def settled(
    client: httpx.AsyncClient, params: dict[str, str], path: str = "/network/spread"
) -> httpx.Response:
    """The page once its answer is ready (the first in a process may compile kernels)."""
    for _ in range(300):
        response = await client.get(path, params=params)
        if response.status_code != 202:
            return response
        await anyio.sleep(0.1)
    raise AssertionError("the answer never came")


@pytest.mark.anyio
async def test_a_quick_answer_is_shown_at_once(client: httpx.AsyncClient) -> None:
    await settled(client, {**QUERY, "runs": "20"})  # kernels compiled
    response = await client.get("/network/spread", params=QUERY)
    assert response.status_code == 200 and 'data-reach="11.0' in response.text


@pytest.mark.anyio
async def test_new_data_is_a_new_question(
    client: httpx.AsyncClient, app: App, add_people: Any
) -> None:
    first = await settled(client, QUERY)
    add_people(app, [("p99", "Leeds")])
    second = await settled(client, QUERY)
    assert first.status_code == second.status_code == 200
    assert "11.0 of 12 " in first.text and "11.0 of 13 " in second.text  # not the cached page


@pytest.mark.anyio
async def test_anonymous_visitors_are_limited_per_address(
    tmp_path: Path, expected: dict[str, int], app: App
) -> None:
    settings = load_settings(
        {}, data_dir=tmp_path, database_url=app.settings.resolved_database_url, heavy_per_minute=2
    )
    gs = App.build(settings)
    web: FastAPI = create_app(gs)
    web.state.heavy_inline_seconds = 1.0
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            codes = []
            for runs in ("10", "11", "12", "10"):
                response = await settled(client, {**QUERY, "runs": runs})
                codes.append(response.status_code)
            assert codes == [200, 200, 429, 200]  # the repeat is cached: it costs nothing
    finally:
        gs.close()


@pytest.mark.anyio
async def test_a_conversation_report_is_worked_out_once_until_a_new_vote(
    client: httpx.AsyncClient, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from groundswell.web.routes import conversations_report

    calls: list[str] = []
    real = conversations_report.report

    def counted(gs: Any, slug: str) -> Any:
        calls.append(slug)
        return real(gs, slug)

    monkeypatch.setattr(conversations_report, "report", counted)
    path = "/conversations/what-would-help/report"
    first, again = await settled(client, {}, path), await client.get(path)
    assert first.status_code == again.status_code == 200 and len(calls) == 1
    # Junk parameters are the same question: they cannot start new computations.
    for junk in ("x=1", "x=2", "y=3"):
        assert (await client.get(f"{path}?{junk}")).status_code == 200
    assert len(calls) == 1
    with app.transaction() as session:  # someone votes
        conv = session.scalar(select(Conversation).where(Conversation.slug == "what-would-help"))
        assert conv is not None
        statement = session.scalar(select(Statement).where(Statement.conversation_id == conv.id))
        voter = session.scalar(select(Participant).where(Participant.conversation_id == conv.id))
        assert statement is not None and voter is not None
        session.add(Vote(conversation_id=conv.id, participant_id=voter.id,
                         statement_id=statement.id, value=1))  # fmt: skip
    assert (await settled(client, {}, path)).status_code == 200
    assert len(calls) == 2  # a new vote: worked out anew


@pytest.mark.anyio
async def test_an_app_outside_serve_answers_in_the_request(
    web: FastAPI, client: httpx.AsyncClient, slow: dict[str, Any]
) -> None:
    web.state.heavy_inline_seconds = None  # as create_app leaves it: tests, embedding
    threading.Timer(1.5, slow["release"].set).start()
    response = await client.get("/network/spread", params=QUERY)
    assert response.status_code == 200 and 'data-reach="11.0' in response.text


# Seeds and roles: the same wrapper around their use cases.


@pytest.mark.anyio
async def test_seeds_named_again_from_the_cache_are_audited_again(
    web: FastAPI, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auth_helpers import add_users, client_for

    from groundswell.store.models import AuditEvent
    from groundswell.web.routes import network_seeds

    calls: list[int] = []
    real = network_seeds.answer_seeds_question

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(network_seeds, "answer_seeds_question", counted)
    add_users(app)
    query = {"model": "direct", "p": "1", "mode": "k", "k": "12"}
    async for organiser in client_for(web, "organiser"):
        first = await settled(organiser, query, "/network/seeds")
        again = await organiser.get("/network/seeds", params=query)
        assert first.status_code == again.status_code == 200 and first.text == again.text
    assert calls == [1]  # one computation
    with app.reading() as session:
        rows = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "network.seeds")
        ).all()
    assert rows == ["olu@example.org", "olu@example.org"]  # two views, two audit rows


@pytest.mark.anyio
async def test_a_slow_roles_page_shows_progress_then_fills_in(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from groundswell.web.routes import roles as roles_route

    release = threading.Event()
    real = roles_route.roles_report

    def slowed(gs: Any, *args: Any) -> Any:
        release.wait(10)
        return real(gs, *args)

    monkeypatch.setattr(roles_route, "roles_report", slowed)
    waiting = await client.get("/roles")
    assert waiting.status_code == 202 and "Refresh to see if it is ready" in waiting.text
    release.set()
    done = await settled(client, {}, "/roles")
    assert done.status_code == 200 and "<h1" in done.text
