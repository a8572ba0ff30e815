"""Pledges on the web: your own pledges, a new one, sharing it, marking it done.

Signed-in people whose account is linked to them as a person manage their
own pledges (``/pledges``); nobody else's pledge can be read or stepped on
here (404, as for a pledge that does not exist). Sharing gives a public link
(``/pledges/shared/<id>-<signature>``) that shows the pledge's words and what
it is part of, never who made it; the signature (an HMAC under the site's
key) keeps links from being guessed by counting ids. Forms post with a CSRF
token and work without JavaScript (303 to the pledge's page).
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions import pledges as pa
from groundswell.actions.accounts import linked_person
from groundswell.auth import tokens
from groundswell.auth.permissions import Principal
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import Campaign, Initiative
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render_page(request, template, status, **{"errors": {}, "form": {}, **context})


def share_path(request: Request, pledge_id: int) -> str:
    signature = tokens.derive(request.app.state.secret_key, "pledge-share", str(pledge_id))
    return f"/pledges/shared/{pledge_id}-{signature[:32]}"


async def _me(gs: GsApp, user: Principal) -> str | None:
    return await anyio.to_thread.run_sync(lambda: linked_person(gs, user.user_id))


def _choices(gs: GsApp) -> dict[str, Any]:
    with gs.reading() as s:
        initiatives = s.execute(select(Initiative.slug, Initiative.name).order_by(Initiative.name))
        campaigns = s.execute(select(Campaign.slug, Campaign.name).order_by(Campaign.name))
        return {
            "initiatives": {"": "None: my own", **{slug: name for slug, name in initiatives}},
            "campaigns": {"": "None", **{slug: name for slug, name in campaigns}},
        }


@router.get("/pledges")
async def yours(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    me = await _me(gs, user)
    found = []
    if me is not None:
        found = await anyio.to_thread.run_sync(
            lambda: pa.list_pledges(gs, person=me, actor=user.email)
        )
    return render(request, "pledges/yours.html", me=me, pledges=found)


@router.get("/pledges/new")
async def new_page(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    me = await _me(gs, user)
    choices = await anyio.to_thread.run_sync(lambda: _choices(gs))
    form = {"initiative": request.query_params.get("initiative", "")}
    return render(request, "pledges/new.html", me=me, form=form, **choices)


@router.post("/pledges/new", dependencies=[rate_limit("submission")])
async def make(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    text: Annotated[str, Form()] = "",
    initiative: Annotated[str, Form()] = "",
    campaign: Annotated[str, Form()] = "",
) -> Response:
    me = await _me(gs, user)
    form = {"text": text, "initiative": initiative, "campaign": campaign}
    errors: dict[str, str] = {}
    if me is None:
        errors["text"] = "Your account is not linked to a person in the movement; ask an organiser"
    else:
        try:
            made = await anyio.to_thread.run_sync(
                lambda: pa.do_make_pledge(
                    gs,
                    person=me,
                    text=text,
                    initiative=initiative or None,
                    campaign=campaign or None,
                    actor=user.email,
                )
            )
        except (InvalidInput, NotFound) as exc:
            field = next((f for f in ("initiative", "campaign") if f in exc.message), "text")
            errors[field] = exc.message[:1].upper() + exc.message[1:]
        else:
            return RedirectResponse(f"/pledges/{made.id}", status_code=303)
    choices = await anyio.to_thread.run_sync(lambda: _choices(gs))
    return render(request, "pledges/new.html", 422, me=me, form=form, errors=errors, **choices)


async def _own(gs: GsApp, user: Principal, pledge_id: int) -> pa.PledgeView:
    me = await _me(gs, user)
    found = await anyio.to_thread.run_sync(lambda: pa.get_pledge(gs, pledge_id))
    if me is None or found.person != me:
        raise NotFound(f"there is no pledge {pledge_id} of yours; see /pledges")
    return found


@router.get("/pledges/{pledge_id}")
async def page(request: Request, gs: GsApp, user: SignedInUser, pledge_id: Id) -> HTMLResponse:
    found = await _own(gs, user, pledge_id)
    return render(request, "pledges/page.html", p=found, share=share_path(request, found.id))


async def _step(gs: GsApp, user: SignedInUser, pledge_id: int, done: bool) -> Response:
    found = await _own(gs, user, pledge_id)
    step = pa.do_complete_pledge if done else pa.do_share_pledge
    # Conflict: a second click on a step already taken; the page shows where it stands.
    with contextlib.suppress(Conflict):
        await anyio.to_thread.run_sync(lambda: step(gs, pledge_id, person=found.person))
    return RedirectResponse(f"/pledges/{pledge_id}", status_code=303)


@router.post("/pledges/{pledge_id}/share")
async def share(gs: GsApp, user: SignedInUser, pledge_id: Id) -> Response:
    return await _step(gs, user, pledge_id, done=False)


@router.post("/pledges/{pledge_id}/done")
async def done(gs: GsApp, user: SignedInUser, pledge_id: Id) -> Response:
    return await _step(gs, user, pledge_id, done=True)


@router.api_route("/pledges/shared/{ref}", methods=["GET", "HEAD"])
async def shared(request: Request, gs: GsApp, ref: str) -> HTMLResponse:
    number, _, signature = ref.partition("-")
    wrong = NotFound("there is no shared pledge at this address; check the link")
    if not number.isdigit() or len(number) > 12:
        raise wrong
    if not tokens.same(share_path(request, int(number)), f"/pledges/shared/{number}-{signature}"):
        raise wrong
    found = await anyio.to_thread.run_sync(lambda: pa.shared_pledge(gs, int(number)))
    return render(request, "pledges/shared.html", p=found)
