"""Unsubscribe and preferences: ``/unsubscribe/{token}``, ``/notifications/{token}``,
``/account/notifications``.

The token in every message's link is signed (``groundswell.mail.compose``) and
names the address and the kind, so it is the permission: a mail provider's
one-click POST (RFC 8058, ``List-Unsubscribe=One-Click``) carries no cookie
and no CSRF token, and needs none. A GET never changes anything (link
scanners follow links): it shows the choice, and its button POSTs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.notifications import KINDS
from groundswell.actions.preferences import ALL, do_set_wanted, do_turn_off, turned_off
from groundswell.errors import NotFound
from groundswell.mail.compose import read_unsubscribe_token
from groundswell.web.auth import SignedInUser, secret_key
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


BAD_LINK = "this link is not valid: use the newest link from one of our emails"


def _read(gs: GsApp, token: str) -> tuple[str, str]:
    found = read_unsubscribe_token(secret_key(gs), token)
    if found is None:
        raise NotFound(BAD_LINK)
    return found


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, gs: GsApp, token: str) -> HTMLResponse:
    _, kind = _read(gs, token)
    return render(request, "notifications/unsubscribe.html", token=token,
                  label=KINDS.get(kind, kind), done=False)  # fmt: skip


@router.post("/unsubscribe/{token}", dependencies=[rate_limit("submission")])
def unsubscribe(request: Request, gs: GsApp, token: str) -> HTMLResponse:
    """One click: this kind off for this address (RFC 8058 and the page's button alike)."""
    address, kind = _read(gs, token)
    do_turn_off(gs, address, kind if kind in KINDS else ALL)
    return render(request, "notifications/unsubscribe.html", token=token,
                  label=KINDS.get(kind, kind), done=True)  # fmt: skip


def _preferences(
    request: Request, gs: GsApp, address: str, action: str, saved: bool = False
) -> HTMLResponse:
    off = turned_off(gs, address)
    wanted = {k for k in KINDS if k not in off and ALL not in off}
    return render(request, "notifications/preferences.html", kinds=KINDS, wanted=wanted,
                  action=action, saved=saved)  # fmt: skip


@router.get("/notifications/{token}")
def token_preferences(request: Request, gs: GsApp, token: str, saved: str = "") -> HTMLResponse:
    address, _ = _read(gs, token)
    return _preferences(request, gs, address, f"/notifications/{token}", saved == "1")


@router.post("/notifications/{token}", dependencies=[rate_limit("submission")])
def save_token_preferences(
    gs: GsApp, token: str, wanted: Annotated[list[str] | None, Form()] = None
) -> Response:
    address, _ = _read(gs, token)
    do_set_wanted(gs, address, set(wanted or ()) & set(KINDS))
    return RedirectResponse(f"/notifications/{token}?saved=1", status_code=303)


@router.get("/account/notifications")
def account_preferences(
    request: Request, gs: GsApp, user: SignedInUser, saved: str = ""
) -> HTMLResponse:
    return _preferences(request, gs, user.email, "/account/notifications", saved == "1")


@router.post("/account/notifications")
def save_account_preferences(
    gs: GsApp, user: SignedInUser, wanted: Annotated[list[str] | None, Form()] = None
) -> Response:
    do_set_wanted(gs, user.email, set(wanted or ()) & set(KINDS))
    return RedirectResponse("/account/notifications?saved=1", status_code=303)
