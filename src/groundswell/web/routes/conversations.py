"""Taking part in a conversation: one statement at a time, vote, add your own.

Works without JavaScript: each form posts and is redirected (303) back to the
voting page, which shows the next statement. With htmx the vote form posts
with ``HX-Request`` and gets only the next statement card to swap in place.
Participants are anonymous: ``participant_key`` (a pseudonym from the signed
visitor cookie, or from the account when signed in) names them to the actions.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from groundswell.actions.conversation_report import voting_card
from groundswell.actions.conversations import (
    MAX_STATEMENT,
    do_submit_statement,
    get_conversation,
    initiatives_of,
)
from groundswell.app import App
from groundswell.auth.permissions import Action, Subject, can
from groundswell.errors import Conflict, InvalidInput
from groundswell.web.auth import ParticipantKey, get_principal, participant_key, voter_of
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import check_vote, rate_limit
from groundswell.web.templating import render
from groundswell.web.votes import ballot_of, vote_queue

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

ADDED = {
    "pending": "Thank you. Your statement will be shown to others once a moderator accepts it.",
    "held": (
        "Thank you. Your statement may name someone or hold contact details, so a moderator "
        "will check it before others see it. Leave out names, phone numbers and addresses "
        "to have a statement shown at once."
    ),
    "shown": "Thank you. Your statement is now part of the conversation.",
}


def may_moderate(request: Request, gs: App, slug: str) -> bool:
    """True when the signed-in user may moderate this conversation (its pages link the queue)."""
    principal = get_principal(request)
    if principal is None:  # anonymous visitors, nearly everyone: no query
        return False
    subject = Subject(initiatives=initiatives_of(gs, slug))
    return can(principal, Action.MODERATE_STATEMENTS, subject)


def _card(gs: App, slug: str, key: str) -> dict[str, Any]:
    """The voting page's conversation and card: one session, in a worker thread."""
    return dict(vars(voting_card(gs, slug, key)))  # conversation, statement, voted, total


async def _voting_page(
    request: Request, gs: App, slug: str, key: str, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    card = await anyio.to_thread.run_sync(lambda: _card(gs, slug, key))
    moderate = await anyio.to_thread.run_sync(lambda: may_moderate(request, gs, slug))
    return render(
        request,
        "conversations/vote.html",
        status,
        max_statement=MAX_STATEMENT,
        may_moderate=moderate,
        errors=extra.pop("errors", {}),
        **card,
        **extra,
    )


@router.get("/conversations/{slug}")
async def voting_page(
    request: Request, gs: GsApp, key: ParticipantKey, slug: str, added: str | None = None
) -> HTMLResponse:
    return await _voting_page(request, gs, slug, key, added=ADDED.get(added or ""))


async def vote(request: Request) -> Response:
    """Take one vote: 303 back to the voting page, or the next card for htmx.

    The busiest request of a live conversation, so it is a plain Starlette
    endpoint (``VOTE_ROUTE``, matched first): no dependency injection or form
    model to build per vote, and the ballot joins the server's group commit
    (``groundswell.web.votes``). The middleware has already checked CSRF.
    """
    slug = request.path_params["slug"]
    key = participant_key(request)
    check_vote(request, voter_of(request))
    form = await _form(request)
    gs: App = request.app.state.gs
    await vote_queue(request.app.state, gs).vote(ballot_of(slug, key, form))
    if request.headers.get("hx-request") == "true":
        card = await anyio.to_thread.run_sync(lambda: _card(gs, slug, key))
        return render(request, "conversations/_card.html", **card)
    return RedirectResponse(f"/conversations/{slug}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """The posted fields (first value of each): urlencoded read directly, multipart by Starlette."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        async with request.form() as form:
            return {k: v for k, v in form.items() if isinstance(v, str)}
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


VOTE_ROUTE = Route("/conversations/{slug}/vote", vote, methods=["POST"])


@router.post("/conversations/{slug}/statements", dependencies=[rate_limit("submission")])
async def add_statement(
    request: Request,
    gs: GsApp,
    key: ParticipantKey,
    slug: str,
    statement: Annotated[str, Form()] = "",
) -> Response:
    signed_in = get_principal(request)  # told by email when a moderator decides
    author = signed_in.user_id if signed_in is not None else None
    try:
        added = await anyio.to_thread.run_sync(
            lambda: do_submit_statement(gs, slug, key, statement, author_user_id=author)
        )
    except (InvalidInput, Conflict) as exc:
        return await _voting_page(
            request, gs, slug, key, status=422, errors={"statement": exc.message},
            draft=statement,
        )  # fmt: skip
    moderation = (await anyio.to_thread.run_sync(lambda: get_conversation(gs, slug))).moderation
    if added.held:  # the personal-data check flagged it: held whatever the moderation
        state = "held"
    else:
        state = "pending" if moderation == "pre" and added.status == "pending" else "shown"
    return RedirectResponse(f"/conversations/{slug}?added={state}#add-statement", status_code=303)
