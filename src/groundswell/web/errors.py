"""All exception -> response mapping for the web app, in one place.

The API (``/api/...``) and ``/healthz`` answer JSON ``{"detail": message}``;
pages answer a friendly HTML page. A traceback is logged, never shown.

Messages are written for whoever runs the command line, and some end in
advice only the operator can take ("run 'groundswell init'"). A page's
visitor cannot run commands on the server, so ``for_visitor`` drops that
advice, and every page ends with what a visitor can do (``_PAGES``); the
server log, the CLI, the API and ``/healthz`` keep the operator's wording.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from groundswell.errors import GroundswellError
from groundswell.web.security import HEADERS
from groundswell.web.templating import render

log = logging.getLogger("groundswell.web")

DATABASE_UNAVAILABLE = (
    "the database is unreachable or not set up; run 'groundswell init' and try again"
)

# Page titles and the advice under them, per status (NHS.UK error page pattern).
_PAGES = {
    400: (
        "Sorry, there is a problem with that request",
        "Check the web address or form and try again.",
    ),
    403: ("You cannot see this page", "Ask the person who runs this service for access."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted the web address, check you copied the entire address.",
    ),
    405: ("Sorry, that does not work here", "Go back and try again."),
    409: ("Sorry, that clashes with something already here", "Go back, check and try again."),
    422: ("Sorry, there is a problem with what you entered", "Go back, check and try again."),
    503: (
        "Sorry, the service is unavailable",
        "Try again later. If it keeps happening, tell the people who run this service.",
    ),
}
_DEFAULT_PAGE = (
    "Sorry, there is a problem with the service",
    "Try again later. If it keeps happening, tell the people who run this service.",
)
# Advice to run a command: "see 'groundswell campaigns list'", "(groundswell stories ...)",
# "run groundswell init", "the server log has the details".
_COMMAND = re.compile(r"\bgroundswell [a-z]|server log")
_ASIDE = re.compile(r"\s*\((?:or )?[^()]*\bgroundswell [a-z][^()]*\)")


def for_visitor(message: str | None) -> str | None:
    """``message`` without the command-line advice a web visitor cannot follow.

    >>> for_visitor("there is no campaign 'x'; see 'groundswell campaigns list'")
    "there is no campaign 'x'"
    >>> for_visitor("use one of: walk (or create it with 'groundswell campaigns create')")
    'use one of: walk'
    """
    if not message:
        return message
    clauses = [c for c in _ASIDE.sub("", message).split(";") if not _COMMAND.search(c)]
    return ";".join(clauses).strip() or None


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/healthz"


def error_response(request: Request, status: int, message: str | None) -> Response:
    """JSON for the API, an HTML page for everything else."""
    if wants_json(request):
        return JSONResponse({"detail": message or _PAGES.get(status, _DEFAULT_PAGE)[0]}, status)
    title, advice = _PAGES.get(status, _DEFAULT_PAGE)
    return render(
        request, "error.html", status,
        title=title, advice=advice, message=for_visitor(message), status=status,
    )  # fmt: skip


async def _groundswell_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GroundswellError)
    return error_response(request, exc.http_status, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    # Starlette's own detail for 404/405 is just the status phrase: the page says it better.
    message = exc.detail if wants_json(request) or exc.status_code not in _PAGES else None
    response = error_response(request, exc.status_code, message)
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    return response


_WHERE = frozenset({"query", "path", "body", "header", "cookie"})  # where, not which field


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc'] if p not in _WHERE)}: {err['msg']}"
        for err in exc.errors()
    )
    return error_response(request, 422, problems or "invalid request")


async def _multipart_error(request: Request, exc: Exception) -> Response:
    # Starlette turns these into a 400 inside the app; this covers a form read elsewhere.
    assert isinstance(exc, MultiPartException)
    return error_response(request, 400, f"the form could not be read: {exc.message}")


async def _database_error(request: Request, exc: Exception) -> Response:
    log.error("database error on %s: %s (%s)", request.url.path, exc, DATABASE_UNAVAILABLE)
    return error_response(request, 503, DATABASE_UNAVAILABLE)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Runs in Starlette's outermost middleware: add the security headers here too.
    log.exception("unexpected error on %s", request.url.path)
    response = error_response(request, 500, "internal error; the server log has the details")
    response.headers.update(HEADERS)
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(GroundswellError, _groundswell_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(MultiPartException, _multipart_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(ProgrammingError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
