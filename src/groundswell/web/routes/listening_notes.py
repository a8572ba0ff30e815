"""The host's page: type harvest notes on a phone, during or after a session.

``/listening/<slug>/notes`` is for the event's hosts and organisers
(``actions.listening.may_host``); anyone else gets 403, a visitor is asked to
sign in. Pick a table (a GET form, so it works without JavaScript), type a
note and press "Add note". With htmx the note area (form, message and the
table's notes) is swapped in place, so the note appears without a reload;
without JavaScript the POST redirects back to the page (post-redirect-get),
which names the note just added. A note the personal-data check flags is
held for an organiser and the host is told why. Adding notes is a write
limited like other submissions; reading the table's notes is audited
(``actions.listening_notes``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions.listening import find_listening, listening_view, may_host
from groundswell.actions.listening_notes import AddedNote, do_add_note, host_notes
from groundswell.app import App
from groundswell.auth.permissions import Principal
from groundswell.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from groundswell.store.models import ListeningHost
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.routes.listening import render, signed_in

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def host(request: Request, gs: App, slug: str) -> Principal:
    """The signed-in host or organiser of this listening event (sign in, or 403, otherwise)."""
    principal = signed_in(request)
    with gs.reading() as session:
        if not may_host(session, find_listening(session, slug), principal):
            raise PermissionDenied("only this listening event's hosts and organisers add notes")
    return principal


def _number(text: str) -> bool:
    # Not isdigit(): "²" is a digit that int() refuses.
    return text.isascii() and text.isdecimal()


def _table(gs: App, slug: str, principal: Principal, asked: str) -> tuple[Any, int | None]:
    """The event, and the table asked for (else the host's own, else the first)."""
    with gs.reading() as session:
        view = listening_view(session, slug)
        own = session.scalar(
            select(ListeningHost.table_id).where(
                ListeningHost.listening_event_id == find_listening(session, slug).id,
                ListeningHost.user_id == principal.user_id,
            )
        )
    ids = [t.id for t in view.tables]
    if _number(asked) and int(asked) in ids:
        return view, int(asked)
    if own in ids:
        return view, own
    return view, ids[0] if ids else None


def _page(request: Request, gs: App, slug: str, table: str, *, status: int = 200,
          added: AddedNote | None = None, added_id: int | None = None,
          text: str = "", error: str | None = None) -> HTMLResponse:  # fmt: skip
    principal = host(request, gs, slug)
    view, table_id = _table(gs, slug, principal, table)
    notes = host_notes(gs, slug, table_id=table_id, user_id=principal.user_id,
                       actor=principal.email)  # fmt: skip
    if added is None and added_id is not None:
        # After a redirect without JavaScript: the host's own note, found in their list.
        mine = next((n for n in notes if n.id == added_id), None)
        added = AddedNote(mine, ()) if mine is not None else None
    table_name = next((t.name for t in view.tables if t.id == table_id), None)
    partial = request.headers.get("hx-request") == "true"
    template = "listening/_note_area.html" if partial else "listening/notes.html"
    return render(request, template, status, event=view, table_id=table_id,
                  table_name=table_name, notes=notes, added=added, text=text,
                  errors={"text": error} if error else {})  # fmt: skip


@router.get("/listening/{slug}/notes")
def notes_page(request: Request, gs: GsApp, slug: str, table: str = "",
               added: str = "") -> HTMLResponse:  # fmt: skip
    added_id = int(added) if _number(added) and len(added) < 10 else None
    return _page(request, gs, slug, table[:10], added_id=added_id)


# A write from a signed-in host: limited like other submissions, per account.
@router.post("/listening/{slug}/notes", dependencies=[rate_limit("submission")])
def add_note(request: Request, gs: GsApp, slug: str, text: Annotated[str, Form()] = "",
             table: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    principal = host(request, gs, slug)
    table = table[:10]
    partial = request.headers.get("hx-request") == "true"
    table_id = int(table) if _number(table) else None
    try:
        added = do_add_note(gs, slug, text=text, table=table_id, actor_user_id=principal.user_id,
                            actor=principal.email)  # fmt: skip
    except (InvalidInput, NotFound, Conflict) as exc:
        message = exc.message.partition(": ")[2] or exc.message
        # htmx swaps only successful answers: the form comes back with its error as 200.
        return _page(request, gs, slug, table, status=200 if partial else 422, text=text,
                     error=message[:1].upper() + message[1:])  # fmt: skip
    if partial:
        return _page(request, gs, slug, table, added=added)
    back = f"/listening/{slug}/notes?table={table}&added={added.note.id}#notes"
    return RedirectResponse(back, status_code=303)
