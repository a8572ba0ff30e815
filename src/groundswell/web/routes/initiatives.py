"""Initiatives: the portfolio of both hands, one page per initiative, organisers' forms.

Anyone sees the portfolio, each initiative's purpose, hand and power mode,
the co-production log, pledge progress and published story titles. Member
names are shown only to organisers and admins whose scope covers the
initiative (its town or the initiative itself); they are also the ones who may
create initiatives, shift a power mode and log decisions. Every form posts
with a CSRF token and works without JavaScript (303 back to the page). What a
page shows is read by ``actions.initiatives`` and ``actions.initiative_page``;
the one query left here finds an initiative's town to check who may edit it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.actions.initiative_page import initiative_page, may_edit
from groundswell.app import App
from groundswell.auth.permissions import Action, Principal, Subject, require
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    Initiative,
)
from groundswell.web import charts, templating
from groundswell.web.auth import CurrentUser
from groundswell.web.deps import GsApp

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

GUIDE = {
    "keeping": "The system decides, through targets and inspection (performance management).",
    "sharing": "The system and people improve things together (quality improvement).",
    "ceding": "People lead and the system supports them (co-production).",
}
MODE_FILL = {"keeping": "#768692", "sharing": "#005eb8", "ceding": "#007f3b"}
METHOD_LABEL = {
    "staff_decision": "Staff decision",
    "consultation": "Consultation",
    "co_produced": "Co-produced",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of this section: every one shows the guide and the decision methods' labels."""
    base = {"guide": GUIDE, "methods": METHOD_LABEL}
    return templating.render(request, template, status, **{**base, **context})


def _portfolio(gs: App) -> dict[str, Any]:
    with gs.reading() as s:
        p = ia.portfolio(s)
        rows = ia.listing(s)
    return {
        "p": p,
        "initiatives": rows,
        "balance": charts.progress_svg(
            p.grassroots_share,
            ident="balance",
            title="Share of initiatives on the grassroots hand (the rest are system)",
        ),
        # No changes, no chart: an empty frame with a lone "1" said nothing.
        "shifts": charts.stacked_bars_svg(
            p.shifts,
            MODE_FILL,
            ident="shifts",
            title="Power-mode changes per quarter",
            key="grey keeping, blue sharing, green ceding.",
        )
        if p.shifts
        else None,
    }


@router.api_route("/initiatives", methods=["GET", "HEAD"])
async def portfolio(request: Request, gs: GsApp, user: CurrentUser) -> HTMLResponse:
    context = await anyio.to_thread.run_sync(lambda: _portfolio(gs))
    return render(request, "initiatives/portfolio.html", may_create=may_edit(user, None),
                  errors={}, form={}, **context)  # fmt: skip


def _detail(gs: App, slug: str, user: Principal | None, page: int = 1) -> dict[str, Any]:
    return initiative_page(gs, slug, user, page)


@router.api_route("/initiatives/{slug}", methods=["GET", "HEAD"])
async def detail(request: Request, gs: GsApp, user: CurrentUser, slug: str) -> HTMLResponse:
    raw = request.query_params.get("page", "")
    # Any other value (a typo, a page past the end) shows the nearest real page.
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1
    context = await anyio.to_thread.run_sync(lambda: _detail(gs, slug, user, max(page, 1)))
    return render(request, "initiatives/detail.html", errors={}, form={}, **context)


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = "Enter the date as YYYY-MM-DD, for example 2025-03-31"
        return None


@router.post("/initiatives")
async def create(
    request: Request,
    gs: GsApp,
    user: CurrentUser,
    slug: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    hand: Annotated[str, Form()] = "",
    power_mode: Annotated[str, Form()] = "",
    town: Annotated[str, Form()] = "",
) -> Response:
    require(user, Action.VIEW_PEOPLE)
    form = {"slug": slug, "name": name, "purpose": purpose, "hand": hand,
            "power_mode": power_mode, "town": town}  # fmt: skip
    errors: dict[str, str] = {}
    if not may_edit(user, town.strip() or None):
        errors["town"] = "Your account may only add initiatives in the towns it covers"
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: ia.do_create_initiative(
                    gs,
                    slug=slug,
                    name=name,
                    purpose=purpose,
                    hand=hand,
                    power_mode=power_mode,
                    town=town,
                )
            )
        except (InvalidInput, Conflict) as exc:
            errors[_field(exc.message, ("slug", "name", "hand", "power mode"))] = _cap(exc.message)
    if errors:
        context = await anyio.to_thread.run_sync(lambda: _portfolio(gs))
        return render(request, "initiatives/portfolio.html", 422, may_create=True,
                      errors=errors, form=form, **context)  # fmt: skip
    return RedirectResponse(f"/initiatives/{slug.strip().lower()}", status_code=303)


def _field(message: str, names: tuple[str, ...]) -> str:
    for name in names:
        if name in message:
            return name.replace(" ", "_")
    return names[0].replace(" ", "_")


def _cap(message: str) -> str:
    return message[:1].upper() + message[1:]


async def _edit_or_fail(gs: App, slug: str, user: Principal | None) -> None:
    def check() -> None:
        with gs.reading() as s:
            town = s.execute(select(Initiative.town).where(Initiative.slug == slug)).first()
        if town is None:
            raise NotFound(f"no initiative {slug!r}; see the list at /initiatives")
        require(user, Action.VIEW_PEOPLE, Subject(town=town[0], initiatives=frozenset({slug})))

    await anyio.to_thread.run_sync(check)


@router.post("/initiatives/{slug}/mode")
async def change_mode(
    request: Request,
    gs: GsApp,
    user: CurrentUser,
    slug: str,
    to_mode: Annotated[str, Form()] = "",
    changed_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    await _edit_or_fail(gs, slug, user)
    errors: dict[str, str] = {}
    day = _day(changed_on, "changed_on", errors)
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: ia.do_change_power_mode(gs, slug, to_mode, changed_on=day, note=note)
            )
        except (InvalidInput, Conflict) as exc:
            errors["to_mode"] = _cap(exc.message)
    if errors:
        context = await anyio.to_thread.run_sync(lambda: _detail(gs, slug, user))
        form = {"to_mode": to_mode, "changed_on": changed_on, "note": note}
        return render(request, "initiatives/detail.html", 422, errors=errors, form=form,
                      **context)  # fmt: skip
    return RedirectResponse(f"/initiatives/{slug}#mode", status_code=303)


@router.post("/initiatives/{slug}/decisions")
async def record_decision(
    request: Request,
    gs: GsApp,
    user: CurrentUser,
    slug: str,
    what: Annotated[str, Form()] = "",
    by_whom: Annotated[str, Form()] = "",
    with_whom: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    decided_on: Annotated[str, Form()] = "",
) -> Response:
    await _edit_or_fail(gs, slug, user)
    errors: dict[str, str] = {}
    day = _day(decided_on, "decided_on", errors)
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: ia.do_record_decision(
                    gs,
                    slug,
                    what=what,
                    by_whom=by_whom,
                    with_whom=with_whom,
                    method=method,
                    decided_on=day,
                )
            )
        except InvalidInput as exc:
            field = _field(exc.message, ("decision", "who decided", "method", "decided with"))
            field = {"decision": "what", "who_decided": "by_whom",
                     "decided_with": "with_whom"}.get(field, field)  # fmt: skip
            errors[field] = _cap(exc.message)
    if errors:
        context = await anyio.to_thread.run_sync(lambda: _detail(gs, slug, user))
        form = {"what": what, "by_whom": by_whom, "with_whom": with_whom, "method": method,
                "decided_on": decided_on}  # fmt: skip
        return render(request, "initiatives/detail.html", 422, errors=errors, form=form,
                      **context)  # fmt: skip
    return RedirectResponse(f"/initiatives/{slug}#log", status_code=303)
