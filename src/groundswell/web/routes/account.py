"""Sign in, sign out, "Your account", and the scoped people API (users: ``admin_users``).

Forms post back to the same address and work without JavaScript; errors
re-render the form with the NHS.UK error summary. Which people an organiser
sees is decided by ``groundswell.auth.permissions`` and applied by
``groundswell.actions.accounts.visible_people``, nowhere here.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.accounts import (
    do_end_expired_sessions,
    do_sign_in,
    do_sign_out,
    list_people,
)
from groundswell.actions.join_links import do_account_join_link, link_url
from groundswell.auth.permissions import Action, Principal
from groundswell.errors import TooManyAttempts
from groundswell.web.auth import (
    SESSION_COOKIE,
    SignedInUser,
    allowed,
    auth_state,
    cookie_header,
    get_principal,
    safe_next,
)
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import RateLimited, check_sign_in
from groundswell.web.routes.events import qr_data_uri
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api_router = APIRouter(tags=["people"])

WRONG = "Enter a correct email address and password"


def _sign_in_form(
    request: Request, *, status: int = 200, errors: dict[str, str] | None = None, **values: Any
) -> HTMLResponse:
    return render(request, "sign_in.html", status, errors=errors or {}, **values)


@router.get("/sign-in")
def sign_in_page(
    request: Request, next: str | None = None, signed_out: bool = False
) -> HTMLResponse:
    return _sign_in_form(
        request, next=safe_next(next), signed_out=signed_out, signed_in=get_principal(request)
    )


@router.post("/sign-in")
async def sign_in(
    request: Request,
    gs: GsApp,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/account",
) -> Response:
    target = safe_next(next)
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _sign_in_form(request, status=422, errors=errors, email=email, next=target)
    try:
        check_sign_in(request, email)
        now = request.app.state.clock()
        # Argon2 takes tens of milliseconds on purpose: keep it off the event loop.
        signed = await anyio.to_thread.run_sync(
            lambda: do_sign_in(gs, email=email, password=password, now=now)
        )
    except (RateLimited, TooManyAttempts) as exc:
        # The same answer whether this process or the address's count said so.
        response = _sign_in_form(
            request, status=429, errors={"email": f"Too many attempts. Wait {exc.retry_after}"
            " seconds and try again"}, email=email, next=target,
        )  # fmt: skip
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    # Sweep sessions no process could still accept, so the table does not grow forever.
    settings = gs.settings
    await anyio.to_thread.run_sync(lambda: do_end_expired_sessions(gs, now=now))
    if signed is None:
        return _sign_in_form(request, status=401, errors={"email": WRONG}, email=email, next=target)
    redirect = RedirectResponse(target, status_code=303)
    name, value = cookie_header(
        SESSION_COOKIE, signed.token, max_age=settings.session_max_hours * 3600,
        secure=settings.cookie_secure,
    )  # fmt: skip
    redirect.raw_headers.append((name, value))
    return redirect


@router.post("/sign-out")
async def sign_out(request: Request, gs: GsApp) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await anyio.to_thread.run_sync(lambda: do_sign_out(gs, token))
    state = auth_state(request)
    if state is not None:
        state.clear_session = True
    return RedirectResponse("/sign-in?signed_out=true", status_code=303)


@router.get("/account")
def account(request: Request, user: SignedInUser, gs: GsApp) -> HTMLResponse:
    # A person's own join link, made the first time they look (actions.join_links).
    link = do_account_join_link(gs, user.user_id)
    join_link = None
    if link is not None:
        url = link_url(gs.settings.base_url, link[0])
        join_link = {"url": url, "joins": link[1], "qr": qr_data_uri(url)}
    response = render(request, "account.html", user=user, join_link=join_link)
    response.headers["Cache-Control"] = "no-store"  # the link is the person's own
    return response


PeopleViewer = Annotated[Principal | None, Depends(allowed(Action.VIEW_PEOPLE))]


@api_router.get(
    "/people",
    summary="People this account may see (an organiser: only their scope)",
    responses={401: {"description": "not signed in"}, 403: {"description": "no access"}},
)
def people(
    gs: GsApp, principal: PeopleViewer, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    """People by pseudonymous reference, filtered to the signed-in organiser's scope."""
    return list_people(gs, principal, limit=limit)
