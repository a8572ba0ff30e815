"""Accounts by email: sign up, confirm the address, reset a password, accept an invitation, link.

Thin adapters over ``groundswell.actions.account_tokens`` and
``groundswell.actions.invitations``: forms post back to their own address,
work without JavaScript and re-render with the NHS.UK error summary. A link
from an email only shows a page; the button on it does the work (POST), so a
mail scanner that fetches links cannot use them up. The sign-up and reset
forms answer "check your email" whether or not the address has an account.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.account_link import do_confirm_link, do_request_link
from groundswell.actions.account_tokens import (
    do_confirm_sign_up,
    do_request_password_reset,
    do_request_sign_up,
    do_reset_password,
    reset_email,
)
from groundswell.actions.invitations import do_accept_invitation, invitation
from groundswell.errors import Conflict, ExpiredLink, InvalidInput
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import RateLimited, check_sign_in, client_address, limiter
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = render_page(request, template, status, **context)
    # These pages carry single-use links and addresses: no cache keeps them.
    response.headers["Cache-Control"] = "no-store"
    return response


def site(request: Request) -> tuple[str, str]:
    """(base URL for links in emails, organisation name) for this request."""
    settings = request.app.state.gs.settings
    base = getattr(settings, "base_url", None) or str(request.base_url)
    return str(base).rstrip("/"), settings.org_name or "Groundswell"


def _throttled(exc: RateLimited, response: HTMLResponse) -> HTMLResponse:
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _too_many(exc: RateLimited) -> str:
    return f"Too many attempts. Wait {exc.retry_after} seconds and try again"


def _address_limit(request: Request) -> None:
    """The per-address sign-in limit, for forms that take a link's token (raises RateLimited)."""
    limiter(request).check("sign_in_address", client_address(request), "attempts")


def _gone(request: Request) -> HTMLResponse:
    return render(request, "account_link_gone.html", 404)


# The sign-up and reset forms answer no sooner than this, whether or not the
# address has an account: their work differs by a few milliseconds (a token and
# an email written, or not), which enough tries could measure (OWASP Forgot
# Password Cheat Sheet: "ensure that responses return in a consistent amount of time").
EVEN_ANSWER_SECONDS = 0.4


async def _even_answer(started: float) -> None:
    await anyio.sleep(max(0.0, EVEN_ANSWER_SECONDS - (time.monotonic() - started)))


async def _off_loop(work: Callable[[], Any]) -> Any:
    # Argon2 takes tens of milliseconds on purpose: keep it off the event loop.
    return await anyio.to_thread.run_sync(work)


# --- sign up ---------------------------------------------------------------


@router.get("/account/sign-up")
def sign_up_page(request: Request, gs: GsApp) -> HTMLResponse:
    if not gs.settings.signup:
        return render(request, "sign_up_closed.html", 404)
    return render(request, "sign_up.html", errors={})


@router.post("/account/sign-up")
async def sign_up(
    request: Request,
    gs: GsApp,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if not gs.settings.signup:
        return render(request, "sign_up_closed.html", 404)
    values = {"name": name, "email": email}
    try:
        check_sign_in(request, email)  # before anything else: every try counts
    except RateLimited as exc:
        page = render(request, "sign_up.html", 429, errors={"email": _too_many(exc)}, **values)
        return _throttled(exc, page)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter your name"
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter a password"
    if errors:
        return render(request, "sign_up.html", 422, errors=errors, **values)
    base, org = site(request)
    now = request.app.state.clock()
    started = time.monotonic()
    try:
        await _off_loop(
            lambda: do_request_sign_up(
                gs, email=email, display_name=name, password=password, now=now,
                base_url=base, org_name=org,
            )
        )  # fmt: skip
    except InvalidInput as exc:
        field = "password" if "password" in exc.message else "email"
        field = "name" if exc.message.startswith("name") else field
        message = exc.message[0].upper() + exc.message[1:]
        return render(request, "sign_up.html", 422, errors={field: message}, **values)
    await _even_answer(started)
    return render(request, "check_email.html", why="sign_up", email=email.strip())


@router.get("/account/verify/{token}")
def verify_page(request: Request, token: str) -> HTMLResponse:
    return render(request, "account_verify.html", token=token)


@router.post("/account/verify/{token}")
async def verify(request: Request, gs: GsApp, token: str) -> Response:
    _address_limit(request)
    now = request.app.state.clock()
    try:
        await _off_loop(lambda: do_confirm_sign_up(gs, token=token, now=now))
    except ExpiredLink:
        return _gone(request)
    except Conflict:
        pass  # the address has an account already: signing in is the next step either way
    return RedirectResponse("/sign-in?confirmed=true", status_code=303)


# --- password reset --------------------------------------------------------


@router.get("/account/reset")
def reset_request_page(request: Request) -> HTMLResponse:
    return render(request, "reset_request.html", errors={})


@router.post("/account/reset")
async def reset_request(
    request: Request, gs: GsApp, email: Annotated[str, Form()] = ""
) -> Response:
    try:
        check_sign_in(request, email)  # the same limits as signing in, before anything else
    except RateLimited as exc:
        page = render(request, "reset_request.html", 429, errors={"email": _too_many(exc)},
                      email=email)  # fmt: skip
        return _throttled(exc, page)
    if not email.strip():
        errors = {"email": "Enter your email address"}
        return render(request, "reset_request.html", 422, errors=errors, email=email)
    base, org = site(request)
    now = request.app.state.clock()
    started = time.monotonic()
    await _off_loop(
        lambda: do_request_password_reset(gs, email=email, now=now, base_url=base, org_name=org)
    )
    await _even_answer(started)
    return render(request, "check_email.html", why="reset", email=email.strip())


@router.get("/account/reset/{token}")
async def reset_page(request: Request, gs: GsApp, token: str) -> HTMLResponse:
    now = request.app.state.clock()
    try:
        email = await _off_loop(lambda: reset_email(gs, token=token, now=now))
    except ExpiredLink:
        return _gone(request)
    return render(request, "reset_password.html", errors={}, token=token, email=email)


@router.post("/account/reset/{token}")
async def reset_password(
    request: Request, gs: GsApp, token: str, password: Annotated[str, Form()] = ""
) -> Response:
    now = request.app.state.clock()
    try:
        _address_limit(request)
        if not password:
            raise InvalidInput("enter a new password")
        await _off_loop(lambda: do_reset_password(gs, token=token, password=password, now=now))
    except ExpiredLink:
        return _gone(request)
    except RateLimited as exc:
        page = render(request, "reset_password.html", 429, token=token,
                      errors={"password": _too_many(exc)})  # fmt: skip
        return _throttled(exc, page)
    except InvalidInput as exc:
        message = exc.message[0].upper() + exc.message[1:]
        return render(
            request, "reset_password.html", 422, token=token, errors={"password": message}
        )
    return RedirectResponse("/sign-in?reset=true", status_code=303)


# --- invitations -----------------------------------------------------------


@router.get("/account/invitation/{token}")
async def invitation_page(request: Request, gs: GsApp, token: str) -> HTMLResponse:
    now = request.app.state.clock()
    try:
        offer = await _off_loop(lambda: invitation(gs, token=token, now=now))
    except ExpiredLink:
        return _gone(request)
    return render(request, "invitation_accept.html", errors={}, token=token, offer=offer)


@router.post("/account/invitation/{token}")
async def accept_invitation(
    request: Request,
    gs: GsApp,
    token: str,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    _address_limit(request)
    now = request.app.state.clock()
    try:
        offer = await _off_loop(lambda: invitation(gs, token=token, now=now))
        errors = {}
        if not name.strip():
            errors["name"] = "Enter your name"
        if not password:
            errors["password"] = "Enter a password"
        if not errors:
            try:
                await _off_loop(
                    lambda: do_accept_invitation(
                        gs, token=token, display_name=name, password=password, now=now
                    )
                )
                return RedirectResponse("/sign-in?confirmed=true", status_code=303)
            except InvalidInput as exc:
                field = "name" if exc.message.startswith("name") else "password"
                errors[field] = exc.message[0].upper() + exc.message[1:]
    except ExpiredLink:
        return _gone(request)
    return render(
        request, "invitation_accept.html", 422, errors=errors, token=token, offer=offer, name=name
    )


# --- linking an account to its person ----------------------------------------


@router.post("/account/link")
async def request_link(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    base, org = site(request)
    now = request.app.state.clock()
    sent = await _off_loop(
        lambda: do_request_link(gs, user_id=user.user_id, now=now, base_url=base, org_name=org)
    )
    return render(request, "account_link_sent.html", sent=sent, email=user.email)


@router.get("/account/link/{token}")
def link_page(request: Request, token: str, user: SignedInUser) -> HTMLResponse:
    return render(request, "account_link_confirm.html", token=token, email=user.email)


@router.post("/account/link/{token}")
async def link(request: Request, gs: GsApp, token: str, user: SignedInUser) -> Response:
    _address_limit(request)
    now = request.app.state.clock()
    try:
        person = await _off_loop(
            lambda: do_confirm_link(gs, token=token, user_id=user.user_id, now=now)
        )
    except ExpiredLink:
        return _gone(request)
    return render(request, "account_link_done.html", person=person)
