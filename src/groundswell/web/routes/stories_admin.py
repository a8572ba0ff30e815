"""Staff story pages: the moderation queue, reviewing one story, and training packs.

Moderating needs ``MODERATE`` (moderators and admins); curating packs needs
``CURATE`` (organisers, moderators and admins). Both hold only within the
grant's scope: every list is filtered by ``scopes_for`` in SQL, and a story
outside it answers 404 as if it did not exist. Each page that shows stories
writes one audit row naming the reader.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.audit import do_record_access
from groundswell.actions.stories import (
    do_edit_story,
    do_mark_change,
    do_moderate,
    do_resolve_flag,
    do_respond,
    do_set_criticality,
)
from groundswell.actions.story_packs import (
    build_pack,
    do_add_to_pack,
    do_create_pack,
    export_pack,
)
from groundswell.actions.story_views import pack_candidates, packs_list, story_list, story_view
from groundswell.auth.permissions import Action, Principal, Scopes, require, scopes_for
from groundswell.errors import Conflict, InvalidInput
from groundswell.stories.workflow import Actor, Kind
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
         "pdf": "application/pdf"}  # fmt: skip
DECISIONS = {"approve": Kind.APPROVE, "request_changes": Kind.REQUEST_CHANGES,
             "publish": Kind.PUBLISH, "unpublish": Kind.UNPUBLISH}  # fmt: skip


def _staff(request: Request, action: Action) -> tuple[Principal, Scopes]:
    """The signed-in user allowed ``action`` somewhere, and where (401/403 otherwise)."""
    principal = get_principal(request)
    require(principal, action)
    assert principal is not None
    return principal, scopes_for(principal, action)


@router.get("/stories/moderate")
def queue(request: Request, gs: GsApp) -> HTMLResponse:
    who, scopes = _staff(request, Action.MODERATE)
    waiting = story_list(gs, ["submitted"], scopes)
    others = story_list(gs, ["needs_changes", "approved", "published"], scopes)
    do_record_access(gs, who.email, "stories.queue", "stories", None,
                     {"stories": len(waiting) + len(others)})  # fmt: skip
    return render(request, "stories/moderate.html", waiting=waiting, others=others)


@router.get("/stories/{story_id}/review")
def review(request: Request, gs: GsApp, story_id: Id, done: str = "", error: str = "") -> Response:
    who, scopes = _staff(request, Action.MODERATE)
    view = story_view(gs, story_id, staff=True, scopes=scopes)  # 404 outside the scopes
    do_record_access(gs, who.email, "stories.review", "story", story_id)
    return render(request, "stories/review.html", story=view, done=done, error=error)


def _back(story_id: int, done: str = "", error: str = "") -> RedirectResponse:
    query = urlencode({k: v for k, v in (("done", done), ("error", error)) if v})
    return RedirectResponse(f"/stories/{story_id}/review?{query}", status_code=303)


@router.post("/stories/{story_id}/review")
def act(
    request: Request,
    gs: GsApp,
    story_id: Id,
    step: Annotated[str, Form()] = "",
    flag_id: Annotated[Id | None, Form()] = None,
    reason: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
) -> Response:
    principal, scopes = _staff(request, Action.MODERATE)
    who = principal.email
    try:
        if step == "resolve" and flag_id is not None:
            do_resolve_flag(gs, flag_id, reason, actor=who, scopes=scopes)
        elif step == "edit":
            do_edit_story(gs, story_id, body, role=Actor.MODERATOR, actor=who, scopes=scopes)
        elif step in DECISIONS:
            do_moderate(gs, story_id, DECISIONS[step], actor=who, note=reason or None,
                        scopes=scopes)  # fmt: skip
        elif step == "criticality":
            do_set_criticality(gs, story_id, value, actor=who, scopes=scopes)
        elif step == "change":
            do_mark_change(gs, story_id, value, actor=who, note=reason or None, scopes=scopes)
        elif step == "respond":
            do_respond(gs, story_id, value or who, body, scopes=scopes)
        else:
            raise InvalidInput("choose an action")
    except (InvalidInput, Conflict) as exc:  # the workflow says why: show it on the page
        return _back(story_id, error=exc.message)
    return _back(story_id, done=step)


@router.get("/stories/packs")
def packs(request: Request, gs: GsApp) -> HTMLResponse:
    scopes = _staff(request, Action.CURATE)[1]
    return render(request, "stories/packs.html", packs=packs_list(gs, scopes), errors={})


@router.post("/stories/packs")
def create_pack(
    request: Request,
    gs: GsApp,
    title: Annotated[str, Form()] = "",
    audience: Annotated[str, Form()] = "",
    learning_points: Annotated[str, Form()] = "",
) -> Response:
    principal, scopes = _staff(request, Action.CURATE)
    who = principal.email
    if not title.strip():
        return render(request, "stories/packs.html", 422, packs=packs_list(gs, scopes),
                      errors={"title": "Enter a title for the pack"})  # fmt: skip
    pack_id = do_create_pack(gs, title, actor=who, audience=audience,
                             learning_points=learning_points)  # fmt: skip
    return RedirectResponse(f"/stories/packs/{pack_id}", status_code=303)


@router.get("/stories/packs/{pack_id}")
def pack_page(request: Request, gs: GsApp, pack_id: Id) -> HTMLResponse:
    who, scopes = _staff(request, Action.CURATE)
    pack = build_pack(gs, pack_id, scopes)
    candidates = pack_candidates(gs, pack_id, scopes)
    do_record_access(gs, who.email, "stories.pack", "training_pack", pack_id,
                     {"candidates": len(candidates)})  # fmt: skip
    return render(request, "stories/pack.html", pack=pack, pack_id=pack_id,
                  candidates=candidates)  # fmt: skip


@router.post("/stories/packs/{pack_id}")
def add_story(
    request: Request,
    gs: GsApp,
    pack_id: Id,
    story_id: Annotated[Id, Form()],
    learning_point: Annotated[str, Form()] = "",
) -> Response:
    principal, scopes = _staff(request, Action.CURATE)
    do_add_to_pack(gs, pack_id, story_id, actor=principal.email, learning_point=learning_point,
                   scopes=scopes)  # fmt: skip
    return RedirectResponse(f"/stories/packs/{pack_id}", status_code=303)


@router.get("/stories/packs/{pack_id}/export.{fmt}")
def export(request: Request, gs: GsApp, pack_id: Id, fmt: str) -> Response:
    who, scopes = _staff(request, Action.CURATE)
    # the printable page links its styles: the CSP forbids inline ones
    css = request.app.url_path_for("static", path="css/training-pack.css")
    data = export_pack(gs, pack_id, fmt, scopes, actor=who.email, stylesheet=str(css))
    headers = {"Content-Disposition": f'attachment; filename="training-pack-{pack_id}.{fmt}"'}
    if fmt == "html":
        headers = {}
    return Response(data, media_type=MEDIA[fmt], headers=headers)
