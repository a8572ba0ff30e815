"""Story pages anyone can use: share a story, keep the withdraw link, withdraw, read, search.

Sharing needs no account: the storyteller gets a private link (story number
and a secret key) that lets them change their consent or withdraw at any time.
A signed-in storyteller whose account is linked to a person may also keep the
story with their record, so it is part of their data when they ask for it or
ask for it to be erased.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.accounts import linked_person
from groundswell.actions.outbox import check_address
from groundswell.actions.stories import (
    check_withdraw_key,
    clean_tags,
    do_set_consent,
    do_share_story,
    do_withdraw,
)
from groundswell.actions.story_search import search
from groundswell.actions.story_views import story_list, story_view
from groundswell.errors import InvalidInput, PermissionDenied
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

CONSENTS = {
    "private": "Keep it private: only moderators read it, it is never used",
    "training": "Use it in staff training",
    "publish": "Publish it on this site, and use it in staff training",
}


def _share_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values: dict[str, Any] = {
        "title": "", "body": "", "service": "", "theme": "", "tags": "", "consent": "",
        "keep": "", "contact": "", "errors": {}, "consents": CONSENTS,
    }  # fmt: skip
    # A signed-in storyteller linked to a person may keep the story with their record.
    user = get_principal(request)
    values["record"] = linked_person(request.app.state.gs, user.user_id) if user else None
    return render(request, "stories/share.html", status, **{**values, **context})


@router.get("/stories/share")
def share_page(request: Request) -> HTMLResponse:
    return _share_form(request)


# A public write: limited per visitor like statements (GROUNDSWELL_SUBMISSIONS_PER_MINUTE).
@router.post("/stories/share", dependencies=[rate_limit("submission")])
def share(
    request: Request,
    gs: GsApp,
    title: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    service: Annotated[str, Form()] = "",
    theme: Annotated[str, Form()] = "",
    tags: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
    keep: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
) -> Response:
    values = {"title": title, "body": body, "service": service, "theme": theme, "tags": tags,
              "consent": consent, "keep": keep, "contact": contact}  # fmt: skip
    user = get_principal(request)
    errors = {}
    if not title.strip():
        errors["title"] = "Enter a title for your story"
    if not body.strip():
        errors["body"] = "Enter your story"
    if consent not in CONSENTS:
        errors["consent"] = "Select how your story may be used"
    try:
        tag_list = clean_tags(tags.split(","))
    except InvalidInput as exc:
        errors["tags"] = exc.message
    if contact.strip():
        try:
            check_address(contact)
        except InvalidInput:
            errors["contact"] = "Enter an email address like name@example.org, or leave it empty"
    if not errors:
        try:
            shared = do_share_story(
                gs, title=title, body=body, consent=consent, service=service, theme=theme,
                tags=tag_list, contact_email=contact or None,
                user_id=user.user_id if user is not None and keep == "yes" else None,
            )  # fmt: skip
        except InvalidInput as exc:
            errors["body"] = exc.message
        else:
            url = f"/stories/{shared.story_id}/yours?key={shared.withdraw_key}"
            return RedirectResponse(url, status_code=303)
    return _share_form(request, 422, errors=errors, **values)


@router.get("/stories/{story_id}/yours")
def yours(request: Request, gs: GsApp, story_id: Id, key: str = "", done: str = "") -> Response:
    """The storyteller's own page: keep this link to change consent or withdraw."""
    with gs.reading() as session:
        check_withdraw_key(session, story_id, key)
    view = story_view(gs, story_id, staff=True)
    return render(request, "stories/yours.html", story=view, key=key, done=done,
                  consents=CONSENTS)  # fmt: skip


# Limited too: each try is a guess at a withdraw key.
@router.post("/stories/{story_id}/yours", dependencies=[rate_limit("submission")])
def change_yours(
    request: Request,
    gs: GsApp,
    story_id: Id,
    key: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
) -> Response:
    if action == "withdraw":
        do_withdraw(gs, story_id, key=key)
        return render(request, "stories/withdrawn.html")
    if action == "consent" and consent in CONSENTS:
        do_set_consent(gs, story_id, consent, key=key)
        return RedirectResponse(f"/stories/{story_id}/yours?key={key}&done=consent", 303)
    raise PermissionDenied("choose to change your consent or to withdraw your story")


@router.get("/stories/published")
def published(request: Request, gs: GsApp) -> HTMLResponse:
    return render(request, "stories/published.html", stories=story_list(gs, ["published"]))


@router.get("/stories/search")
def search_page(request: Request, gs: GsApp, q: str = "") -> HTMLResponse:
    hits, error = [], None
    if q.strip():
        try:
            hits = search(gs, q)
        except InvalidInput as exc:
            error = exc.message
    return render(request, "stories/search.html", q=q, hits=hits, error=error)
