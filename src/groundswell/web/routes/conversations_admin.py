"""Running a conversation: open one, the moderation queue, close it, link it to an initiative.

Opening and moderating need ``MODERATE_STATEMENTS`` (an organiser, moderator
or admin, in ``groundswell.auth.permissions``) over the conversation's scope:
its initiative, or the whole movement (a conversation opened here belongs to
no initiative).
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.conversation_admin import (
    do_close_conversation,
    do_link_conversation,
    initiative_choices,
)
from groundswell.actions.conversations import (
    do_moderate,
    do_open_conversation,
    get_conversation,
    initiatives_of,
    statements,
)
from groundswell.app import App
from groundswell.auth.permissions import Action, Subject, require
from groundswell.errors import Conflict, InvalidInput
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

DONE = {"accept": "accepted", "reject": "removed"}
SETTLED = {
    "closed": "The conversation is closed.",
    "linked": "The conversation's initiative is saved.",
}


def _may_open(request: Request) -> None:
    # A conversation opened here belongs to no initiative, so only a movement-wide
    # grant could moderate it: opening needs one too, or the opener would be sent
    # on to a queue they may not see. Raises: sign in, or no access.
    require(get_principal(request), Action.MODERATE_STATEMENTS, Subject())


def _may_moderate(request: Request, gs: App, slug: str) -> None:
    subject = Subject(initiatives=initiatives_of(gs, slug))
    require(get_principal(request), Action.MODERATE_STATEMENTS, subject)


def _open_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = {"topic": "", "question": "", "moderation": "post", "seeds": "", "errors": {}}
    return render(request, "conversations/new.html", status, **{**values, **context})


@router.get("/conversations/new")
def open_page(request: Request) -> HTMLResponse:
    _may_open(request)
    return _open_form(request)


@router.post("/conversations/new")
def open_conversation(
    request: Request,
    gs: GsApp,
    topic: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    moderation: Annotated[str, Form()] = "post",
    seeds: Annotated[str, Form()] = "",
) -> Response:
    _may_open(request)
    values = {"topic": topic, "question": question, "moderation": moderation, "seeds": seeds}
    errors = {}
    if not topic.strip():
        errors["topic"] = "Enter a topic"
    if not question.strip():
        errors["question"] = "Enter the question"
    if moderation not in ("pre", "post"):
        errors["moderation"] = "Select how statements are moderated"
    if not errors:
        try:
            opened = do_open_conversation(
                gs, topic=topic, question=question, moderation=moderation,
                seeds=[line for line in seeds.splitlines() if line.strip()],
            )  # fmt: skip
        except InvalidInput as exc:
            field = "seeds" if "Statement" in exc.message else "question"
            errors[field] = exc.message
        else:
            return RedirectResponse(f"/conversations/{opened.slug}/moderate", status_code=303)
    return _open_form(request, 422, errors=errors, **values)


@router.get("/conversations/{slug}/moderate")
def moderation_queue(
    request: Request, gs: GsApp, slug: str, done: str | None = None, tid: Id | None = None
) -> HTMLResponse:
    conversation = get_conversation(gs, slug)
    _may_moderate(request, gs, slug)
    everything = statements(gs, slug)
    return render(
        request,
        "conversations/moderate.html",
        conversation=conversation,
        pending=[s for s in everything if s.status == "pending"],
        accepted=[s for s in everything if s.status == "accepted"],
        rejected=[s for s in everything if s.status == "rejected"],
        done=DONE.get(done or ""),
        done_tid=tid,
        settled=SETTLED.get(done or ""),
        initiatives=initiative_choices(gs),
        linked=next(iter(initiatives_of(gs, slug)), ""),
    )


@router.post("/conversations/{slug}/moderate")
def moderate(
    request: Request,
    gs: GsApp,
    slug: str,
    tid: Annotated[Id, Form()],
    decision: Annotated[str, Form()],
) -> Response:
    get_conversation(gs, slug)
    _may_moderate(request, gs, slug)
    do_moderate(gs, slug, tid, decision)
    return RedirectResponse(
        f"/conversations/{slug}/moderate?done={decision}&tid={tid}", status_code=303
    )


@router.post("/conversations/{slug}/close")
def close(request: Request, gs: GsApp, slug: str) -> Response:
    get_conversation(gs, slug)
    _may_moderate(request, gs, slug)
    with contextlib.suppress(Conflict):  # closed already: the queue says so
        do_close_conversation(gs, slug, actor=_actor(request))
    return RedirectResponse(f"/conversations/{slug}/moderate?done=closed", status_code=303)


@router.post("/conversations/{slug}/initiative")
def link_initiative(
    request: Request, gs: GsApp, slug: str, initiative: Annotated[str, Form()] = ""
) -> Response:
    get_conversation(gs, slug)
    _may_moderate(request, gs, slug)
    # Moving it moves who moderates it: the mover must moderate where it goes too.
    target = frozenset({initiative}) if initiative else frozenset()
    require(get_principal(request), Action.MODERATE_STATEMENTS, Subject(initiatives=target))
    do_link_conversation(gs, slug, initiative or None, actor=_actor(request))
    return RedirectResponse(f"/conversations/{slug}/moderate?done=linked", status_code=303)


def _actor(request: Request) -> str:
    principal = get_principal(request)
    return principal.email if principal is not None else "unknown"
