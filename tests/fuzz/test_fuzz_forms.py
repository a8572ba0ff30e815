"""Fuzzing: every page and form of the web app meets hostile input and never answers 5xx.

The operations are read from the app's own routes (path, query and form
fields, through every dependency), so a new page or form is fuzzed without
being listed here. Each field in turn gets each value of ``HOSTILE`` (ids
beyond any column, NUL bytes, numbers of 400 digits...) while the others hold
plausible values; every POST also gets a malformed multipart body and a form
of 1,001 fields; then Hypothesis sends random values to every POST field at
once. Signed in as an admin (so permission checks pass and input reaches the
database) and signed out, on SQLite and PostgreSQL. Any 5xx fails, with the
requests that caused it.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # web test helpers

from auth_helpers import BASE, FAST, add_users, csrf_from, sign_in
from sample_movement import add_sample_movement

from groundswell.app import App
from groundswell.auth import passwords
from groundswell.web import create_app
from groundswell.web.routes.conversations import VOTE_ROUTE

HOSTILE = [
    str(2**63), str(2**31), str(2**31 - 1), "-1", "9" * 400, "1e400", "NaN",
    "\x00", "a\x00b", "", "\u202e\ufeff", "' OR 1=1 --", "<script>x</script>",
]  # fmt: skip
SKIP = {"/sign-out"}  # ends the session the rest of the run needs (tests/web covers it)
PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")
MALFORMED = [
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nzz"),
    ("multipart/form-data; boundary=x", b"--x\r\n\r\n--x--"),
    ("multipart/form-data", b"no boundary at all"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="a"\r\n'),
    ("application/x-www-form-urlencoded", "&".join(f"f{i}=1" for i in range(1001)).encode()),
    ("application/x-www-form-urlencoded", b"%%%&&&=\xff\xfe=%zz"),
    ("application/json", b'{"title": "a\\u0000b"}'),
]
RANDOM = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {params}
    fields: tuple[str, ...]  # query (GET) or form (POST) fields

    def url(self, slugs: dict[str, str], bad: str | None = None) -> str:
        """The address with plausible path values, or ``bad`` in every one."""

        def value(found: re.Match[str]) -> str:
            if bad is not None:
                return quote(bad, safe="")
            if found.group(1) == "slug":
                return slugs.get(self.path.split("/")[1], "nowhere")
            return {"fmt": "md"}.get(found.group(1), "1")

        return PATH_PARAM.sub(value, self.path)


def _fields(dependant: Dependant) -> Iterator[str]:
    for field in (*dependant.query_params, *dependant.body_params):
        yield field.alias
    for sub in dependant.dependencies:
        yield from _fields(sub)


def operations(web: FastAPI) -> list[Operation]:
    """Every GET and POST the app routes, with its fields, read from the routes themselves."""
    found = []
    for context in iter_route_contexts(web.routes):
        route, path = context.original_route, context.path
        if path is None or path in SKIP or path.startswith("/static"):
            continue
        if isinstance(route, APIRoute):
            fields = tuple(dict.fromkeys(_fields(route.dependant)))
        elif route is VOTE_ROUTE:  # a plain Starlette endpoint: its form, by hand
            fields = ("tid", "vote")
        else:
            continue
        for method in sorted((context.methods or set()) & {"GET", "POST"}):
            found.append(Operation(method, path, fields))
    return found


class Fuzzer:
    """One client (signed in or not) that sends requests and keeps the 5xx answers."""

    def __init__(self, client: httpx.AsyncClient, token: str, slugs: dict[str, str]) -> None:
        self.client, self.token, self.slugs = client, token, slugs
        self.failures: list[str] = []

    async def send(self, op: Operation, url: str, data: dict[str, str] | None = None,
                   content: tuple[str, bytes] | None = None) -> None:  # fmt: skip
        headers = {"x-csrf-token": self.token}
        try:
            if op.method == "GET":
                answer = await self.client.get(url, params=data, headers=headers)
            elif content is not None:
                headers["content-type"] = content[0]
                answer = await self.client.post(url, content=content[1], headers=headers)
            else:
                answer = await self.client.post(url, data=data, headers=headers)
        except httpx.HTTPError as exc:  # a dropped connection is a failure too
            self.failures.append(f"{op.method} {url:.120} {data!r:.120}: {type(exc).__name__}")
            return
        if answer.status_code >= 500:
            self.failures.append(f"{op.method} {url:.120} {data!r:.120}: {answer.status_code}")

    async def hostile(self, op: Operation) -> None:
        """Each field, then the path, gets each hostile value; bodies get malformed ones."""
        plain = {name: "1" for name in op.fields}
        for bad in HOSTILE:
            for name in op.fields:
                await self.send(op, op.url(self.slugs), {**plain, name: bad})
            if PATH_PARAM.search(op.path):
                await self.send(op, op.url(self.slugs, bad), plain)
        if op.method == "POST":
            for content in MALFORMED:
                await self.send(op, op.url(self.slugs), content=content)


@pytest.fixture
def fuzzed_web(db_app: App) -> FastAPI:
    add_sample_movement(db_app)
    was, passwords._HASHER = passwords._HASHER, FAST
    try:
        add_users(db_app)
    finally:
        passwords._HASHER = was
    web = create_app(db_app)
    limits = web.state.ratelimiter.limits
    limits.update({name: 10**9 for name in limits})  # fuzz the input, not the rate limits
    return web


async def _fuzzer(web: FastAPI, client: httpx.AsyncClient, role: str) -> Fuzzer:
    if role == "admin":
        passwords_were, passwords._HASHER = passwords._HASHER, FAST
        try:
            assert (await sign_in(client, "ada@example.org")).status_code == 303
        finally:
            passwords._HASHER = passwords_were
    token = csrf_from((await client.get("/conversations/what-would-help")).text)
    slugs = {"conversations": "what-would-help", "campaigns": "mile-march",
             "initiatives": "mile-a-day", "api": "what-would-help"}  # fmt: skip
    return Fuzzer(client, token, slugs)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "anonymous"])
def test_no_page_or_form_answers_5xx_to_hostile_input(fuzzed_web: FastAPI, role: str) -> None:
    ops = operations(fuzzed_web)
    if role == "anonymous":
        ops = [op for op in ops if op.method == "POST"]  # pages as admin reach further

    async def main() -> list[str]:
        transport = httpx.ASGITransport(app=fuzzed_web, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            fuzzer = await _fuzzer(fuzzed_web, client, role)
            for op in ops:
                await fuzzer.hostile(op)
            return fuzzer.failures

    failures = asyncio.run(main())
    assert not failures, "\n".join(failures)


text_or_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(HOSTILE),
)


@pytest.mark.slow
def test_random_values_in_every_post_field_never_answer_5xx(fuzzed_web: FastAPI) -> None:
    posts = [op for op in operations(fuzzed_web) if op.method == "POST"]
    failures: list[str] = []

    async def run(values: list[dict[str, str]]) -> None:
        transport = httpx.ASGITransport(app=fuzzed_web, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            fuzzer = await _fuzzer(fuzzed_web, client, "admin")
            for op, data in zip(posts, values, strict=True):
                await fuzzer.send(op, op.url(fuzzer.slugs), data)
            failures.extend(fuzzer.failures)

    forms = st.tuples(*(st.fixed_dictionaries({n: text_or_number for n in op.fields})
                        for op in posts))  # fmt: skip

    @RANDOM
    @given(values=forms)
    def check(values: tuple[dict[str, str], ...]) -> None:
        asyncio.run(run(list(values)))

    check()
    assert not failures, "\n".join(sorted(set(failures)))


def test_the_fuzz_reaches_every_form(fuzzed_web: FastAPI) -> None:
    # Guard: an enumeration that silently lost routes would make the fuzz pass vacuously.
    posts = {op.path: op.fields for op in operations(fuzzed_web) if op.method == "POST"}
    assert {"/conversations/{slug}/vote", "/stories/share", "/stories/packs/{pack_id}",
            "/conversations/{slug}/moderate", "/sign-in"} <= set(posts)  # fmt: skip
    assert (
        "story_id" in posts["/stories/packs/{pack_id}"]
        and "tid" in posts["/conversations/{slug}/vote"]
    )
    assert len(posts) >= 14
