"""The wellbeing survey by personal link (``/w/<token>``), and organisers issuing the links.

Anyone holding a link answers without an account, on a phone, with or
without JavaScript: first whether their answers may be stored (refusing
stores nothing), then ONS4 and, with the organisation's licensed wording,
SWEMWBS, one question to a fieldset. Every step is a plain form post,
CSRF-checked like every form and rate-limited like other public writes; the
pages carry ``Cache-Control: no-store`` (the link stands for a person). A
used or expired link gets a plain page saying so.

Organisers (``/measures/links``) download a CSV of new links for the people
they may see who agreed to be contacted; the action audits the read.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell import csvsafe
from groundswell.actions.campaigns import list_campaigns
from groundswell.actions.wellbeing_links import (
    LINK_DAYS,
    MOST_DAYS,
    do_answer_link,
    do_issue_links,
    link_rows,
    open_link,
)
from groundswell.auth.permissions import Action, require, scopes_for
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.survey_form import questions, read_answers, wording_of
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NOBODY = "Nobody chosen has agreed to be contacted, so no links were made"
CONSENT_MISSING = "Choose yes or no: may your answers be stored?"


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    base = {"errors": {}, "given": {}, "current_path": "/measures"}
    return _private(render(request, template, status, **{**base, **context}))


def _closed(request: Request, state: str) -> Response:
    return _page(request, "measures/link_closed.html", 410, state=state)


@router.get("/w/{token}")
async def link_start(request: Request, gs: GsApp, token: str) -> Response:
    view = await anyio.to_thread.run_sync(lambda: open_link(gs, token))
    if view.state != "open":
        return _closed(request, view.state)
    return _page(request, "measures/link_consent.html", token=token, link=view,
                 wording=wording_of(gs))  # fmt: skip


@router.post("/w/{token}", dependencies=[rate_limit("submission")])
async def link_consent(
    request: Request, gs: GsApp, token: str, consent: Annotated[str, Form()] = ""
) -> Response:
    view = await anyio.to_thread.run_sync(lambda: open_link(gs, token))
    if view.state != "open":
        return _closed(request, view.state)
    if consent == "no":
        return _page(request, "measures/link_declined.html", token=token)
    if consent != "yes":
        return _page(request, "measures/link_consent.html", 422, token=token, link=view,
                     wording=wording_of(gs), errors={"consent": CONSENT_MISSING})  # fmt: skip
    return _page(request, "measures/link_survey.html", token=token, link=view,
                 **questions(wording_of(gs)))  # fmt: skip


@router.post("/w/{token}/answers", dependencies=[rate_limit("submission")])
async def link_answers(request: Request, gs: GsApp, token: str) -> Response:
    form = await request.form()
    given = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    view = await anyio.to_thread.run_sync(lambda: open_link(gs, token))
    if view.state != "open":
        return _closed(request, view.state)
    if given.get("consent") != "yes":  # consent is carried from the first step, never assumed
        return _page(request, "measures/link_consent.html", 422, token=token, link=view,
                     wording=wording_of(gs), errors={"consent": CONSENT_MISSING})  # fmt: skip
    wording = wording_of(gs)
    errors: dict[str, str] = {}
    ons, swe = read_answers(given, wording, errors)
    if not errors:
        try:
            await anyio.to_thread.run_sync(
                lambda: do_answer_link(gs, token, consent=True, ons4=ons, swemwbs=swe)
            )
        except Conflict:
            state = (await anyio.to_thread.run_sync(lambda: open_link(gs, token))).state
            return _closed(request, "used" if state == "open" else state)
        except InvalidInput as exc:
            errors["ons4-satisfaction"] = exc.message
    if errors:
        return _page(request, "measures/link_survey.html", 422, token=token, link=view,
                     errors=errors, given=given, **questions(wording))  # fmt: skip
    return RedirectResponse(f"/w/{token}/thanks", status_code=303)


@router.get("/w/{token}/thanks")
async def link_thanks(request: Request, gs: GsApp, token: str) -> Response:
    view = await anyio.to_thread.run_sync(lambda: open_link(gs, token))
    if view.state != "used":
        return RedirectResponse(f"/w/{token}", status_code=303)
    return _page(request, "measures/link_thanks.html", link=view)


# --- organisers: issue links ---


def _links_page(request: Request, gs: GsApp, status: int = 200, **extra: Any) -> Response:
    context = {"campaigns": list_campaigns(gs), "wording": wording_of(gs), "form": {},
               "error": None, "days": LINK_DAYS, "most_days": MOST_DAYS, "errors": {}}  # fmt: skip
    return _page(request, "measures/links.html", status, **{**context, **extra})


@router.get("/measures/links")
def links_page(request: Request, gs: GsApp, user: SignedInUser) -> Response:
    require(user, Action.VIEW_PEOPLE)
    return _links_page(request, gs)


@router.post("/measures/links")
def links_issue(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    campaign: Annotated[str, Form()] = "",
    town: Annotated[str, Form()] = "",
    team: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
) -> Response:
    require(user, Action.VIEW_PEOPLE)
    form = {"campaign": campaign, "town": town, "team": team, "days": days}
    try:
        number = int(days or LINK_DAYS)
    except ValueError:
        wrong = {"days": f"Enter a whole number of days, 1 to {MOST_DAYS}"}
        return _links_page(request, gs, 422, form=form, errors=wrong)
    try:
        issued = do_issue_links(
            gs, actor=user.email, scopes=scopes_for(user, Action.VIEW_PEOPLE),
            campaign=campaign or None, town=town.strip() or None, team=team.strip() or None,
            days=number,
        )  # fmt: skip
    except (InvalidInput, NotFound) as exc:
        return _links_page(request, gs, 422, form=form, error=exc.message.capitalize())
    if not issued:
        return _links_page(request, gs, 422, form=form, error=NOBODY)
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerows(link_rows(issued, gs.settings.base_url))
    return _private(
        Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="wellbeing-links.csv"'},
        )
    )
