"""Server-rendered pages: each reads ``actions.public_summaries`` and renders one template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from groundswell.actions import public_summaries as queries
from groundswell.settings import LOGO_TYPES
from groundswell.web.deps import ReadSession
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def page(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A page answers HEAD too, for link checkers and uptime monitors."""
    return router.api_route(path, methods=["GET", "HEAD"])


def _home_context(session: Session) -> dict[str, Any]:
    return {"stats": queries.stats(session), "updated": datetime.now(UTC)}


@page("/")
def home(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "home.html", **_home_context(session))


@page("/fragments/counts")
def counts_fragment(request: Request, session: ReadSession) -> HTMLResponse:
    """The home page's counts alone, for htmx to swap in without a full reload."""
    return render(request, "partials/counts.html", **_home_context(session))


@page("/conversations")
def conversations(request: Request, session: ReadSession) -> HTMLResponse:
    stats = queries.stats(session)
    return render(
        request,
        "conversations.html",
        stats=stats,
        conversations=queries.conversations(session),
        limit=queries.LIST_LIMIT,
    )


@page("/stories")
def stories(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "stories.html", stories=queries.stories(session))


@page("/accessibility")
def accessibility(request: Request) -> HTMLResponse:
    return render(request, "accessibility.html")


@page("/brand/logo")
def logo(request: Request) -> Response:
    """The organisation's logo (GROUNDSWELL_ORG_LOGO), for the header."""
    path = request.app.state.gs.settings.org_logo
    if path is None:
        raise HTTPException(404, "this site has no logo")
    try:
        body = path.read_bytes()
    except OSError:
        raise HTTPException(404, "the logo file cannot be read") from None
    # An SVG opened on its own could run script as this site: sandbox it.
    headers = {"Cache-Control": "public, max-age=3600", "Content-Security-Policy": "sandbox"}
    return Response(body, media_type=LOGO_TYPES[path.suffix.lower()], headers=headers)
