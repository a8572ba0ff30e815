"""Imported comments held by the personal-data check: their review page.

``/listening/comments`` is for movement-wide organisers and admins
(``actions.listening.may_review_comments``): how many comments each channel
brought in and where they stand, and the oldest held ones with what the check
found, each with Release and Reject. Reading the queue is audited
(``actions.listening_comments``). Comments come in from the command line
(``groundswell listening import-comments``).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.listening import may_review_comments
from groundswell.actions.listening_comments import (
    comment_counts,
    do_review_comment,
    held_comments,
)
from groundswell.app import App
from groundswell.auth.permissions import Principal
from groundswell.errors import Conflict, NotFound, PermissionDenied
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.routes.listening import render, sentence, signed_in

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def reviewer(request: Request, gs: App) -> Principal:
    principal = signed_in(request)
    if not may_review_comments(principal):
        raise PermissionDenied("movement-wide organisers and admins review imported comments")
    return principal


@router.get("/listening/comments")
def comments_page(request: Request, gs: GsApp, done: str = "") -> HTMLResponse:
    principal = reviewer(request, gs)
    held, waiting = held_comments(gs, actor=principal.email)
    return render(request, "listening/comments.html", held=held, waiting=waiting,
                  counts=comment_counts(gs), done=done[:200] or None)  # fmt: skip


@router.post("/listening/comments/{comment_id}/{decision}")
def review(request: Request, gs: GsApp, comment_id: Id, decision: str) -> Response:
    principal = reviewer(request, gs)
    if decision not in ("release", "reject"):
        raise NotFound("there is no such decision; use release or reject")
    try:
        do_review_comment(gs, comment_id, decision, actor=principal.email)
        done = f"Comment {comment_id} {'released' if decision == 'release' else 'rejected'}."
    except Conflict as exc:  # another organiser got there first: say where it stands
        done = sentence(exc.message) + "."
    return RedirectResponse(f"/listening/comments?done={quote(done)}#held", status_code=303)
