"""The public "you said, we did" page and its JSON: themes acted on and what changed.

What may be shown is decided once, in ``groundswell.actions.themes_public``
(no theme under 10 texts, no town under 10, no quote with personal data, no
names); the page and the JSON render the same list.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from groundswell.actions.themes_public import you_said_we_did
from groundswell.web.deps import GsApp
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/you-said-we-did", response_class=HTMLResponse)
def page(request: Request, gs: GsApp) -> HTMLResponse:
    return render(request, "themes/public.html", themes=you_said_we_did(gs))


@router.get("/you-said-we-did.json")
def as_json(gs: GsApp) -> JSONResponse:
    return JSONResponse({"themes": [t.to_dict() for t in you_said_we_did(gs)]})
