"""Bounded input: ids beyond any column, NUL bytes, unreadable and oversized forms get a 4xx.

The low findings of the second trust review: ids of 2**63 (SQLite) or 2**31
(PostgreSQL) in addresses and forms, a NUL byte in any text on PostgreSQL,
malformed multipart bodies and forms of over 1,000 fields answered 500 or
dropped the connection. ``tests/fuzz/test_fuzz_forms.py`` runs every route
through the same; these name the cases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import add_users, client_for, csrf_from
from fastapi import FastAPI
from sample_movement import add_sample_movement

from groundswell.app import App
from groundswell.store.models.base import MAX_INT
from groundswell.web import create_app


@pytest.fixture
def web_db(db_app: App) -> FastAPI:
    """The sample movement on SQLite and PostgreSQL, with its users."""
    add_sample_movement(db_app)
    add_users(db_app)
    return create_app(db_app)


@pytest.fixture
async def admin(web_db: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(web_db, "admin"):
        client.headers["x-csrf-token"] = csrf_from((await client.get("/stories/packs")).text)
        yield client


@pytest.mark.anyio
@pytest.mark.parametrize("number", [2**63, 2**31, MAX_INT + 1, -1, 10**30])
async def test_finding_low_ids_beyond_any_column_answer_422_not_500(
    admin: httpx.AsyncClient, number: int
):
    pages = ["/stories/{}/review", "/stories/packs/{}", "/stories/{}/yours",
             "/conversations/what-would-help/moderate?tid={}"]  # fmt: skip
    for url in (page.format(number) for page in pages):
        answer = await admin.get(url)
        assert answer.status_code == 422, (url, answer.status_code)
    posted = await admin.post("/stories/packs/1", data={"story_id": str(number)})
    assert posted.status_code == 422 and "story_id: input should be" in posted.text.lower()
    api = await admin.get("/api/v1/people", params={"limit": str(number)})
    assert api.status_code == 422 and "limit" in api.json()["detail"]
    assert (await admin.get(f"/stories/{MAX_INT}/review")).status_code == 404  # in range: none


@pytest.mark.anyio
async def test_finding_low_nul_bytes_answer_400_naming_the_field(admin: httpx.AsyncClient):
    form = await admin.post("/stories/packs", data={"title": "Pack\x00", "audience": "staff"})
    assert form.status_code == 400 and "&#39;title&#39; holds a NUL character" in form.text
    query = await admin.get("/measures", params={"town": "Leeds\x00"})
    assert query.status_code == 400 and "town" in query.text
    for url in ("/conversations/what%00-would-help", "/campaigns/a%00b/progress.csv"):
        answer = await admin.get(url)
        assert answer.status_code == 400 and "web address holds a NUL" in answer.text
    api = await admin.get("/api/v1/conversations/a%00b")
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    as_json = await admin.post("/api/v1/people", json={"name": {"inner": "x\x00"}})
    assert as_json.status_code == 400 and "'inner'" in as_json.json()["detail"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nzz"),  # no name
        ("charset=utf-8", b"--x\r\n\r\n--x--\r\n"),  # no boundary
        (
            "boundary=x",
            b"".join(
                b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i
                for i in range(1001)
            )
            + b"--x--\r\n",
        ),
    ],
)
async def test_finding_low_malformed_multipart_answers_400(web_db: FastAPI, kind: str, body: bytes):
    async for visitor in client_for(web_db, "anonymous"):
        headers = {"content-type": f"multipart/form-data; {kind}"}
        for url in ("/sign-in", "/stories/share", "/conversations/what-would-help/vote"):
            answer = await visitor.post(url, content=body, headers=headers)
            assert answer.status_code == 400, (url, answer.status_code)
            assert "form could not be read" in answer.text


@pytest.mark.anyio
async def test_finding_low_forms_over_1000_fields_answer_400(admin: httpx.AsyncClient):
    fields = {f"f{i}": "1" for i in range(1001)}
    answer = await admin.post("/stories/packs", data={"title": "Pack", **fields})
    assert answer.status_code == 400 and "more than 1,000 fields" in answer.text
    fine = await admin.post("/stories/packs", data={f"f{i}": "1" for i in range(900)})
    assert fine.status_code < 500
