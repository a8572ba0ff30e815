"""Users and roles in the web: add a user, grant and revoke roles, link a user to a person.

Admins only (``MANAGE_USERS``). Each form calls the action the command line
calls (``groundswell users create|grant|revoke|link``) with the admin as the
actor, so every change is in the audit trail under their name. Errors
re-render the page with the NHS.UK error summary; success is a 303 back to
the list with what changed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions.accounts import (
    do_create_user,
    do_grant_role,
    do_link_person,
    do_revoke_role,
    list_users,
)
from groundswell.auth.permissions import Action, Principal, Role
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import Person, User
from groundswell.web.auth import allowed
from groundswell.web.deps import GsApp
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Admin = Annotated[Principal, Depends(allowed(Action.MANAGE_USERS))]
ROLES = {r.value: r.value.title() for r in Role}
DONE = {
    "created": "User added.",
    "granted": "Role given.",
    "revoked": "Role taken away.",
    "linked": "Account linked.",
    "unlinked": "Account unlinked.",
}


def _links(gs: GsApp) -> dict[str, str]:
    with gs.reading() as s:
        rows = s.execute(select(User.email, Person.ref).join(Person, Person.id == User.person_id))
        return {email: ref for email, ref in rows}


def _page(
    request: Request, gs: GsApp, admin: Principal, status: int = 200, **context: Any
) -> HTMLResponse:
    users = list_users(gs, admin.email)
    done = DONE.get(request.query_params.get("done", ""))
    values = {"current_path": "/admin", "users": users, "links": _links(gs), "roles": ROLES,
              "errors": {}, "form": {}, "done": done}  # fmt: skip
    return render_page(request, "admin_users.html", status, **{**values, **context})


@router.get("/admin/users")
def admin_users(request: Request, gs: GsApp, admin: Admin) -> HTMLResponse:
    return _page(request, gs, admin)


def _field(message: str, names: dict[str, str], default: str) -> str:
    return next((field for word, field in names.items() if word in message), default)


@router.post("/admin/users")
def create_user(
    request: Request,
    gs: GsApp,
    admin: Admin,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "*",
) -> Response:
    form = {"email": email, "display_name": display_name, "role": role, "scope": scope}
    try:
        do_create_user(gs, email=email, display_name=display_name, password=password,
                       role=role or None, scope=scope or "*", actor=admin.email)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        field = _field(exc.message, {"password": "password", "display name": "display_name",
                                     "scope": "scope", "role": "role"}, "email")  # fmt: skip
        return _page(request, gs, admin, 422, errors={field: exc.message}, form=form)
    return RedirectResponse("/admin/users?done=created", status_code=303)


@router.post("/admin/users/grant")
def grant(
    request: Request,
    gs: GsApp,
    admin: Admin,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "*",
) -> Response:
    form = {"grant_email": email, "grant_role": role, "grant_scope": scope}
    try:
        do_grant_role(gs, email=email, role=role, scope=scope or "*", actor=admin.email)
    except (InvalidInput, NotFound) as exc:
        field = _field(exc.message, {"scope": "grant_scope", "role": "grant_role"}, "grant_email")
        return _page(request, gs, admin, 422, errors={field: exc.message}, form=form)
    return RedirectResponse("/admin/users?done=granted", status_code=303)


@router.post("/admin/users/revoke")
def revoke(
    gs: GsApp,
    admin: Admin,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "*",
) -> Response:
    do_revoke_role(gs, email=email, role=role, scope=scope, actor=admin.email)
    return RedirectResponse("/admin/users?done=revoked", status_code=303)


@router.post("/admin/users/link")
def link(
    request: Request,
    gs: GsApp,
    admin: Admin,
    email: Annotated[str, Form()] = "",
    person: Annotated[str, Form()] = "",
) -> Response:
    form = {"link_email": email, "link_person": person}
    wanted = person.strip()
    try:
        do_link_person(gs, email=email, person=wanted or None, actor=admin.email)
    except (InvalidInput, NotFound, Conflict) as exc:
        field = "link_email" if "user" in exc.message or "email" in exc.message else "link_person"
        return _page(request, gs, admin, 422, errors={field: exc.message}, form=form)
    return RedirectResponse(f"/admin/users?done={'linked' if wanted else 'unlinked'}",
                            status_code=303)  # fmt: skip
