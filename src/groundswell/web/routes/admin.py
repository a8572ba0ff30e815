"""The organiser's admin home, and pledges made, shared and kept per month.

``/admin`` lists what the signed-in account may run: uploads, campaigns,
pledges, users, and the moderation queues (stories, conversations), each
shown only to whoever the permission table allows, so a moderator finds the
queues in one place.

``/admin/pledges`` shows exact counts to organisers and admins, over the
people their grants cover: they may read those people's records already, so
hiding a count under 10 from them protects no one. The rule followed: small
numbers are suppressed (``groundswell.measures.suppression``) wherever
people without such a grant see them, as the public line on the same page
shows; the exact figures appear only here.
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from groundswell.actions.pledges import pledges_by_month
from groundswell.auth.permissions import Action, can, require, scopes_for
from groundswell.measures import suppression
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return render_page(request, template, current_path="/admin", **context)


@router.get("/admin")
def home(request: Request, user: SignedInUser) -> HTMLResponse:
    may = {
        "people": can(user, Action.VIEW_PEOPLE),
        "import": can(user, Action.VIEW_PEOPLE) and scopes_for(user).everything,
        "users": can(user, Action.MANAGE_USERS),
        "stories": can(user, Action.MODERATE),
        "statements": can(user, Action.MODERATE_STATEMENTS),
    }
    return _render(request, "admin/home.html", may=may)


@router.get("/admin/pledges")
async def pledges(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    require(user, Action.VIEW_PEOPLE)
    scopes = scopes_for(user, Action.VIEW_PEOPLE)
    counts = await anyio.to_thread.run_sync(lambda: pledges_by_month(gs, scopes))
    public = {k: suppression.show(c) for k, c in counts.public().items()}
    return _render(request, "admin/pledges.html", counts=counts, public=public,
                   everything=scopes.everything)  # fmt: skip
