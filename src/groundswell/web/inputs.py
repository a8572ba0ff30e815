"""Bounded input at the door: ids every column can hold, no NUL in text, forms that parse.

Two things decide here, once, what any route can be given:

* ``Id``: the type of every id or number a route reads from its path, query or
  form. It holds 0 to ``MAX_INT`` (PostgreSQL's ``integer``), so a number no
  column can hold is a 422 naming the field, not a database error (an id of
  2**63 failed SQLite, 2**31 failed PostgreSQL).
* ``InputGuard``: middleware that reads every request before the application
  and answers 400, naming the field, when text holds a NUL character
  (PostgreSQL cannot store it in text and refuses the whole statement), a form
  has more than ``MAX_FIELDS`` fields, or a multipart body does not parse. The
  JSON API is covered the same way (a ``\\u0000`` in a JSON string).

A refused request never reaches a route, so routes read their input as typed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import Field
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Receive, Scope, Send

from groundswell.store.models.base import MAX_INT
from groundswell.web.bodies import read_body, replay
from groundswell.web.errors import error_response

# Route signature type for ids and counts: ``story_id: Id``, ``Annotated[Id, Form()]``.
Id = Annotated[int, Field(ge=0, le=MAX_INT)]

MAX_FIELDS = 1000  # Starlette's own limit for multipart forms; urlencoded gets the same
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NUL = "\x00"


def _nul_problem(where: str, name: str) -> str:
    return f"{where} '{name[:40]}' holds a NUL character (\\0); remove it and try again"


def _query_problem(query: bytes) -> str | None:
    """Why the query string is refused, or None."""
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if NUL in name or NUL in value:
            return _nul_problem("field", name.replace(NUL, ""))
    return None


def _urlencoded_problem(body: bytes) -> str | None:
    if body.count(b"&") >= MAX_FIELDS:
        try:
            parse_qsl(body.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:
            return f"the form has more than {MAX_FIELDS:,} fields; send only the form's own"
    if b"%00" in body or b"\x00" in body:
        for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            if NUL in name or NUL in value:
                return _nul_problem("field", name.replace(NUL, ""))
    return None


async def _multipart_problem(scope: Scope, body: bytes) -> str | None:
    request = Request(scope, replay(body))
    try:
        form = await request.form(max_fields=MAX_FIELDS, max_files=MAX_FIELDS)
    except (MultiPartException, HTTPException) as exc:  # Starlette raises either
        detail = getattr(exc, "message", None) or getattr(exc, "detail", "")
        return f"the form could not be read ({detail}); send it again from the page"
    try:
        for name, value in form.multi_items():
            if NUL in name or (isinstance(value, str) and NUL in value):
                return _nul_problem("field", name.replace(NUL, ""))
    finally:
        await form.close()
    return None


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every string in a JSON document, keys included."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield name, name
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)


def _json_problem(body: bytes) -> str | None:
    if b"\\u0000" not in body:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON after all: the route says so
    for key, text in _strings(document):
        if NUL in text:
            return _nul_problem("field", key.replace(NUL, "") or "(value)")
    return None


async def body_problem(scope: Scope, body: bytes) -> str | None:
    """Why this request body is refused (NUL in text, too many fields, unreadable), or None."""
    kind = ""
    for raw, value in scope["headers"]:
        if raw.lower() == b"content-type":
            kind = value.decode("latin-1").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return _urlencoded_problem(body)
    if kind == "multipart/form-data":
        return await _multipart_problem(scope, body)
    if kind.endswith("json"):
        return _json_problem(body)
    return None


class InputGuard:
    """ASGI middleware: refuse NUL characters, oversized and unreadable forms (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = None
        if NUL in scope["path"]:
            problem = "the web address holds a NUL character (\\0); check the link"
        else:
            problem = _query_problem(scope.get("query_string", b""))
        if problem is None and scope["method"] in UNSAFE:
            body = await read_body(receive)
            if body is None:
                problem = "the form is too large"
                await error_response(Request(scope), 413, problem)(scope, receive, send)
                return
            problem = await body_problem(scope, body)
            receive = replay(body)
        if problem is None:
            await self.app(scope, receive, send)
            return
        await error_response(Request(scope), 400, problem)(scope, receive, send)
