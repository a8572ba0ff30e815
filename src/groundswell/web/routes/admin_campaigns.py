"""Create and edit campaigns in the web (organisers and admins with a movement-wide grant).

A campaign belongs to the whole movement (its page and totals are public),
so creating or changing one needs a grant over everything (``*``), as
opening a conversation of no initiative does. The forms call the actions the
command line calls, and work without JavaScript.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.campaign_admin import do_add_campaign, do_edit_campaign
from groundswell.actions.campaigns import UNITS, list_campaigns
from groundswell.auth.permissions import Action, Principal, Subject, require
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
UNIT_LABELS = {"miles": "Miles", "minutes": "Minutes", "yes_no": "Yes or no (done that day)"}


def _may(user: Principal) -> None:
    require(user, Action.VIEW_PEOPLE, Subject())


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    base = {"current_path": "/admin", "errors": {}, "form": {},
            "units": {u: UNIT_LABELS.get(u, u) for u in UNITS}}  # fmt: skip
    return render_page(request, template, status, **{**base, **context})


@router.get("/admin/campaigns")
async def campaigns(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    _may(user)
    found = await anyio.to_thread.run_sync(lambda: list_campaigns(gs))
    return _render(request, "admin/campaigns.html", campaigns=found)


@router.get("/admin/campaigns/new")
def new_page(request: Request, user: SignedInUser) -> HTMLResponse:
    _may(user)
    form = {"daily_target": "1", "unit": "miles", "starts_on": date.today().isoformat()}
    return _render(request, "admin/campaign_form.html", form=form, editing=None)


def _parse(form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """Dates and numbers from the form; each bad one named against its field."""
    out: dict[str, Any] = {}
    for name in ("starts_on", "ends_on"):
        text = form.get(name, "").strip()
        if not text:
            if name == "starts_on":
                errors[name] = "Enter the day the campaign starts"
            out[name] = None
            continue
        try:
            out[name] = date.fromisoformat(text)
        except ValueError:
            errors[name] = "Enter the date as YYYY-MM-DD, for example 2026-06-01"
    for name in ("daily_target", "group_goal"):
        text = form.get(name, "").strip()
        if not text:
            out[name] = 1.0 if name == "daily_target" else None
            continue
        try:
            out[name] = float(text)
        except ValueError:
            errors[name] = "Enter a number, for example 1 or 2.5"
    return out


def _field_of(message: str) -> str:
    words = (("slug", "slug"), ("name", "name"), ("unit", "unit"), ("goal", "group_goal"),
             ("daily target", "daily_target"), ("ends", "ends_on"), ("start", "starts_on"),
             ("up to", "ends_on"))  # fmt: skip
    for word, name in words:
        if word in message:
            return name
    return "name"


@router.post("/admin/campaigns/new")
async def create(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    slug: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    daily_target: Annotated[str, Form()] = "",
    group_goal: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
) -> Response:
    _may(user)
    form = {"slug": slug, "name": name, "unit": unit, "daily_target": daily_target,
            "group_goal": group_goal, "starts_on": starts_on, "ends_on": ends_on}  # fmt: skip
    errors: dict[str, str] = {}
    values = _parse(form, errors)
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: do_add_campaign(
                    gs, slug=slug.strip(), name=name, unit=unit, actor=user.email, **values
                )
            )
        except (InvalidInput, Conflict) as exc:
            errors[_field_of(exc.message)] = exc.message[:1].upper() + exc.message[1:]
    if errors:
        return _render(request, "admin/campaign_form.html", 422, form=form, errors=errors,
                       editing=None)  # fmt: skip
    return RedirectResponse(f"/campaigns/{slug.strip()}", status_code=303)


@router.get("/admin/campaigns/{slug}/edit")
async def edit_page(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> HTMLResponse:
    _may(user)
    found = await anyio.to_thread.run_sync(lambda: list_campaigns(gs))
    c = next((c for c in found if c.slug == slug), None)
    if c is None:
        raise NotFound(f"there is no campaign '{slug}'; see /admin/campaigns")
    form = {"name": c.name, "unit": c.unit, "daily_target": f"{c.daily_target:g}",
            "group_goal": "" if c.group_goal is None else f"{c.group_goal:g}",
            "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat() if c.ends_on else ""}  # fmt: skip
    return _render(request, "admin/campaign_form.html", form=form, editing=c)


@router.post("/admin/campaigns/{slug}/edit")
async def edit(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    slug: str,
    name: Annotated[str, Form()] = "",
    daily_target: Annotated[str, Form()] = "",
    group_goal: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
) -> Response:
    _may(user)
    form = {"name": name, "daily_target": daily_target, "group_goal": group_goal,
            "starts_on": starts_on, "ends_on": ends_on}  # fmt: skip
    errors: dict[str, str] = {}
    values = _parse(form, errors)
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: do_edit_campaign(gs, slug, name=name, actor=user.email, **values)
            )
        except InvalidInput as exc:
            errors[_field_of(exc.message)] = exc.message[:1].upper() + exc.message[1:]
    if errors:
        found = await anyio.to_thread.run_sync(lambda: list_campaigns(gs))
        editing = next((c for c in found if c.slug == slug), None)
        return _render(request, "admin/campaign_form.html", 422, form=form, errors=errors,
                       editing=editing)  # fmt: skip
    return RedirectResponse(f"/campaigns/{slug}", status_code=303)
