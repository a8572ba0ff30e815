"""``/admin/users/invite``: an admin invites someone by email, with a role and a person.

A thin adapter over ``groundswell.actions.invitations.do_invite``; the form
works without JavaScript and re-renders with the error summary.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from groundswell.actions.invitations import do_invite
from groundswell.auth.permissions import Action, Principal, Role
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.web.auth import allowed
from groundswell.web.deps import GsApp
from groundswell.web.routes.account_email import render, site

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Admin = Annotated[Principal | None, Depends(allowed(Action.MANAGE_USERS))]
ROLES = [r.value for r in Role]


def _form(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    values = {"errors": {}, "roles": ROLES, "scope": "*", **context}
    return render(request, "admin_invite.html", status, **values)


@router.get("/admin/users/invite")
def invite_page(request: Request, admin: Admin) -> HTMLResponse:
    return _form(request)


@router.post("/admin/users/invite")
async def invite(
    request: Request,
    gs: GsApp,
    admin: Admin,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "*",
    person: Annotated[str, Form()] = "",
) -> HTMLResponse:
    assert admin is not None
    values = {"email": email, "role": role, "scope": scope, "person": person}
    if not email.strip():
        return _form(request, 422, errors={"email": "Enter their email address"}, **values)
    base, org = site(request)
    now = request.app.state.clock()
    try:
        sent = await anyio.to_thread.run_sync(
            lambda: do_invite(
                gs, email=email, role=role or None, scope=scope or "*",
                person=person.strip() or None, actor=admin.email, now=now,
                base_url=base, org_name=org,
            )
        )  # fmt: skip
    except (InvalidInput, NotFound, Conflict) as exc:
        text = exc.message[0].upper() + exc.message[1:]
        lowered = exc.message.lower()
        field = "person" if "person" in lowered else "role" if "role" in lowered else "email"
        field = "scope" if "scope" in lowered else field
        return _form(request, 422 if isinstance(exc, InvalidInput) else exc.http_status,
                     errors={field: text}, **values)  # fmt: skip
    return _form(request, sent=sent)
