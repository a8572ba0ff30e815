"""``/join/<code>``: "Join the movement" through someone's personal join link.

A public form (name, town, optional email, consent to be contacted and to be
counted) that works without JavaScript. Joining is a public write: rate
limited like other submissions and CSRF-protected like every form. The use
case is ``actions.join_links.do_join``; an unknown code is a plain 404, and
the answer after joining is the same whether or not the email was known.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.join_links import Joining, do_join, join_link_exists
from groundswell.errors import InvalidInput, NotFound
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

FIELDS = ("display_name", "town", "email", "consent_contact", "consent_counted")
# The action's field names -> the form's.
FIELD_OF = {"name": "display_name", "town": "town", "email": "email"}


def _unknown(request: Request) -> HTMLResponse:
    return render(request, "join/unknown.html", 404, current_path="/join")


def _form(
    request: Request, code: str, status: int = 200, errors: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:  # fmt: skip
    filled = {name: "" for name in FIELDS} | values
    return render(request, "join/form.html", status, current_path="/join", code=code,
                  errors=errors or {}, **filled)  # fmt: skip


@router.api_route("/join/{code}", methods=["GET", "HEAD"])
def join_page(request: Request, gs: GsApp, code: str) -> HTMLResponse:
    if not join_link_exists(gs, code):
        return _unknown(request)
    return _form(request, code)


# A public write: limited per visitor like statements (GROUNDSWELL_SUBMISSIONS_PER_MINUTE).
@router.post("/join/{code}", dependencies=[rate_limit("submission")])
def join(
    request: Request,
    gs: GsApp,
    code: str,
    display_name: Annotated[str, Form()] = "",
    town: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    consent_contact: Annotated[str, Form()] = "",
    consent_counted: Annotated[str, Form()] = "",
) -> Response:
    values = {"display_name": display_name, "town": town, "email": email,
              "consent_contact": consent_contact, "consent_counted": consent_counted}  # fmt: skip
    joining = Joining(display_name, town, email, consent_contact == "yes", consent_counted == "yes")
    try:
        do_join(gs, code, joining)
    except NotFound:
        return _unknown(request)
    except InvalidInput as exc:
        field, _, message = exc.message.partition(": ")
        errors = {FIELD_OF.get(field, "display_name"): message[:1].upper() + message[1:]}
        return _form(request, code, 422, errors=errors, **values)
    return RedirectResponse(f"/join/{code}/welcome", status_code=303)


@router.get("/join/{code}/welcome")
def welcome(request: Request, gs: GsApp, code: str) -> HTMLResponse:
    if not join_link_exists(gs, code):
        return _unknown(request)
    return render(request, "join/welcome.html", current_path="/join")
