"""Joining and leaving an initiative from its page; organisers add and remove members.

A signed-in person whose account is linked to them joins or leaves with one
button. Organisers (and admins) whose scope covers the initiative add a
member by their id and remove one. Every form posts with its CSRF token
(checked by the middleware) and works without JavaScript: 303 back to the page.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.accounts import linked_person
from groundswell.actions.memberships import (
    do_join_initiative,
    do_leave_initiative,
    person_subject,
)
from groundswell.auth.permissions import Action, Principal, can
from groundswell.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.routes.initiatives import _cap, _detail, _edit_or_fail, render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


async def _me(gs: GsApp, user: Principal) -> str:
    person = await anyio.to_thread.run_sync(lambda: linked_person(gs, user.user_id))
    if person is None:
        raise PermissionDenied(
            "your account is not linked to a person in the movement; ask an organiser to link it"
        )
    return person


@router.post("/initiatives/{slug}/join")
async def join(gs: GsApp, user: SignedInUser, slug: str) -> Response:
    person = await _me(gs, user)
    # Joined already (a second tab, a double click): the page says so.
    with contextlib.suppress(Conflict):
        await anyio.to_thread.run_sync(
            lambda: do_join_initiative(gs, slug, person, actor=user.email)
        )
    return RedirectResponse(f"/initiatives/{slug}#membership", status_code=303)


@router.post("/initiatives/{slug}/leave")
async def leave(gs: GsApp, user: SignedInUser, slug: str) -> Response:
    person = await _me(gs, user)
    with contextlib.suppress(NotFound):  # left already
        await anyio.to_thread.run_sync(
            lambda: do_leave_initiative(gs, slug, person, actor=user.email)
        )
    return RedirectResponse(f"/initiatives/{slug}#membership", status_code=303)


async def _again(
    request: Request, gs: GsApp, user: Principal, slug: str, field: str, message: str,
    form: dict[str, str],
) -> HTMLResponse:  # fmt: skip
    context = await anyio.to_thread.run_sync(lambda: _detail(gs, slug, user))
    return render(request, "initiatives/detail.html", 422, errors={field: _cap(message)},
                  form=form, **context)  # fmt: skip


@router.post("/initiatives/{slug}/members")
async def add_member(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    slug: str,
    person: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
) -> Response:
    await _edit_or_fail(gs, slug, user)
    form = {"person": person, "role": role}
    if not person.strip():
        return await _again(request, gs, user, slug, "person", "enter their id", form)
    # Membership widens who sees the person (the initiative's organisers):
    # only someone the organiser may already see can be added by them.
    subject = await anyio.to_thread.run_sync(lambda: person_subject(gs, person))
    if subject is not None and not can(user, Action.VIEW_PEOPLE, subject):
        subject = None
    if subject is None:
        message = f"'{person.strip()}' is not a person you may see; check the id"
        return await _again(request, gs, user, slug, "person", message, form)
    try:
        await anyio.to_thread.run_sync(
            lambda: do_join_initiative(gs, slug, person, role=role, actor=user.email)
        )
    except (InvalidInput, Conflict) as exc:
        field = "role" if "role" in exc.message else "person"
        return await _again(request, gs, user, slug, field, exc.message, form)
    except NotFound as exc:  # the initiative was checked above: the person is unknown
        return await _again(request, gs, user, slug, "person", exc.message, form)
    return RedirectResponse(f"/initiatives/{slug}#members", status_code=303)


@router.post("/initiatives/{slug}/members/remove")
async def remove_member(
    gs: GsApp, user: SignedInUser, slug: str, person: Annotated[str, Form()] = ""
) -> Response:
    await _edit_or_fail(gs, slug, user)
    await anyio.to_thread.run_sync(lambda: do_leave_initiative(gs, slug, person, actor=user.email))
    return RedirectResponse(f"/initiatives/{slug}#members", status_code=303)
