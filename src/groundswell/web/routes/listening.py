"""Organising listening events: the list and new-event form, one event's page, its review queue.

``/listening`` lists the listening events a signed-in user organises or hosts
and, for organisers, a form to set one up. ``/listening/<slug>`` is the
organisers' page (``actions.listening.may_organise``): its tables and hosts,
the notes shown at each table, the notes held by the personal-data check with
the reasons (release or reject each), and a form to import typed-up notes.
A host who is not an organiser is sent to the notes page they use
(``/listening/<slug>/notes``, ``web.routes.listening_notes``); anyone else
gets 403, and a visitor is asked to sign in. Every form is a plain POST with
a CSRF token that comes back to the page (post-redirect-get); every change
and every read of notes goes through ``groundswell.actions.listening*``,
which audit them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.listening import (
    ListeningDetails,
    do_add_host,
    do_add_tables,
    do_create_listening,
    find_listening,
    is_host,
    list_listening,
    listening_view,
    may_create,
    may_organise,
    may_organise_in,
    parse_day,
)
from groundswell.actions.listening_imports import do_import_notes
from groundswell.actions.listening_notes import do_review_note, event_notes
from groundswell.app import App
from groundswell.auth.permissions import Principal, SignInRequired
from groundswell.errors import Conflict, InputFileError, InvalidInput, NotFound, PermissionDenied
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

FIELDS = ("slug", "title", "question", "questions", "event", "town", "held_on", "tables")
FIELD_OF = {"slug": "slug", "title": "title", "question": "question", "questions": "questions",
            "event": "event", "town": "town", "date": "held_on", "table": "tables"}  # fmt: skip
MAX_UPLOAD = 2 * 1024 * 1024


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render_page(request, template, status, **{"current_path": "/listening", **context})


def sentence(message: str) -> str:
    """A message as a sentence: its first letter upper-case, the rest as written."""
    return message[:1].upper() + message[1:]


def signed_in(request: Request) -> Principal:
    principal = get_principal(request)
    if principal is None:
        raise SignInRequired("sign in to run listening events")
    return principal


def organiser(request: Request, gs: App, slug: str) -> Principal:
    """The signed-in organiser of this listening event (sign in, or 403, otherwise)."""
    principal = signed_in(request)
    with gs.reading() as session:
        if not may_organise(find_listening(session, slug), principal):
            raise PermissionDenied("only this listening event's organisers manage it")
    return principal


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _list_page(request: Request, gs: App, values: dict[str, str], status: int = 200,
               errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    principal = signed_in(request)
    with gs.reading() as session:
        events = list_listening(session, principal)
        organised = {v.slug for v in events if may_organise(find_listening(session, v.slug),
                                                             principal)}  # fmt: skip
    return render(request, "listening/list.html", status, events=events, organised=organised,
                  can_create=may_create(principal), v=values, errors=errors or {})  # fmt: skip


@router.get("/listening")
def list_page(request: Request, gs: GsApp) -> HTMLResponse:
    return _list_page(request, gs, dict.fromkeys(FIELDS, ""))


@router.post("/listening")
async def create(request: Request, gs: GsApp) -> Response:
    principal = signed_in(request)
    if not may_create(principal):
        raise PermissionDenied("organisers and admins set up listening events; ask an admin")
    form = await request.form()
    values = {f: str(form.get(f, "")) for f in FIELDS}
    try:
        details = ListeningDetails(
            title=values["title"], question=values["question"],
            questions=_lines(values["questions"]), event=values["event"], town=values["town"],
            held_on=parse_day(values["held_on"], "date"),
        )  # fmt: skip
        town = details.checked().town
        if not may_organise_in(principal, town):
            raise InvalidInput(f"town: your role does not cover {town or 'the whole movement'}; "
                               "give a town you organise")  # fmt: skip
        slug = do_create_listening(gs, values["slug"], details, tables=_lines(values["tables"]),
                                   actor=principal.email)  # fmt: skip
    except (InvalidInput, NotFound, Conflict) as exc:
        field, _, message = exc.message.partition(": ")
        name = FIELD_OF.get(field, "title")
        status = 409 if isinstance(exc, Conflict) else 422
        return _list_page(request, gs, values, status,
                          {name: sentence(message or exc.message)})  # fmt: skip
    return RedirectResponse(f"/listening/{slug}", status_code=303)


def _event_page(request: Request, gs: App, slug: str, status: int = 200,
                **context: Any) -> HTMLResponse:  # fmt: skip
    principal = organiser(request, gs, slug)
    with gs.reading() as session:
        view = listening_view(session, slug)
    notes = event_notes(gs, slug, actor=principal.email)
    values: dict[str, Any] = {"errors": {}, "error": None, "done": None, "email": "",
                              "host_table": "", "table": ""}  # fmt: skip
    values.update(context)
    return render(request, "listening/page.html", status, event=view, notes=notes, **values)


@router.get("/listening/{slug}")
def event_page(request: Request, gs: GsApp, slug: str, done: str = "") -> Response:
    principal = signed_in(request)
    with gs.reading() as session:
        listening = find_listening(session, slug)
        if not may_organise(listening, principal):
            if is_host(session, listening, principal):
                return RedirectResponse(f"/listening/{slug}/notes", status_code=303)
            raise PermissionDenied("only this listening event's organisers manage it")
    return _event_page(request, gs, slug, done=done[:200] or None)


def _back(slug: str, done: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/listening/{slug}?done={quote(done)}#{anchor}", status_code=303)


@router.post("/listening/{slug}/tables")
def add_table(request: Request, gs: GsApp, slug: str,
              table: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    principal = organiser(request, gs, slug)
    try:
        do_add_tables(gs, slug, [table], actor=principal.email)
    except InvalidInput as exc:
        message = exc.message.partition(": ")[2] or exc.message
        return _event_page(request, gs, slug, 422, errors={"table": sentence(message)},
                           table=table)  # fmt: skip
    return _back(slug, f"Table “{' '.join(table.split())}” added.", "tables")


@router.post("/listening/{slug}/hosts")
def add_host(request: Request, gs: GsApp, slug: str, email: Annotated[str, Form()] = "",
             host_table: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    principal = organiser(request, gs, slug)
    try:
        added, _ = do_add_host(gs, slug, email, table=host_table or None, actor=principal.email)
    except (InvalidInput, NotFound) as exc:
        field, _, message = exc.message.partition(": ")
        name = "host_table" if field == "table" else "email"
        return _event_page(request, gs, slug, 422, errors={name: sentence(message or field)},
                           email=email, host_table=host_table)  # fmt: skip
    return _back(slug, f"{added} can now add notes.", "hosts")


@router.post("/listening/{slug}/notes/{note_id}/{decision}")
def review(request: Request, gs: GsApp, slug: str, note_id: Id, decision: str) -> Response:
    principal = organiser(request, gs, slug)
    if decision not in ("release", "reject"):
        raise NotFound("there is no such decision; use release or reject")
    try:
        do_review_note(gs, slug, note_id, decision, actor=principal.email)
    except Conflict as exc:  # another organiser got there first: say where it stands
        return _back(slug, sentence(exc.message) + ".", "review")
    word = "released: hosts can see it now" if decision == "release" else "rejected"
    return _back(slug, f"Note {note_id} {word}.", "review")


@router.post("/listening/{slug}/import")
async def import_notes(request: Request, gs: GsApp, slug: str,
                       file: Annotated[UploadFile | None, File()] = None) -> Response:  # fmt: skip
    principal = organiser(request, gs, slug)
    data = await file.read(MAX_UPLOAD + 1) if file is not None else b""
    # The organiser's file name is only shown in messages, never used as a path ("..", "."
    # or over 255 bytes would not be written).
    name = (Path(file.filename or "").name if file is not None else "")[:120] or "notes.csv"
    if not data:
        return _event_page(request, gs, slug, 422, errors={"file": "Choose a CSV file of notes"})
    if len(data) > MAX_UPLOAD:
        return _event_page(request, gs, slug, 422,
                           errors={"file": "The file is over 2 MB; split it"})  # fmt: skip

    def run() -> str:
        # Written to a private temporary folder (0700) so that errors name the file
        # the organiser chose, not where the server put it.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "notes.csv"
            path.write_bytes(data)
            try:
                summary = do_import_notes(gs, slug, path, actor=principal.email)
            except InputFileError as exc:
                raise InvalidInput(exc.message.replace(str(path), name)) from None
        held = f", {summary.held} held for review" if summary.held else ""
        return f"{summary.visible + summary.held} notes imported from {name}{held}."

    try:
        done = await anyio.to_thread.run_sync(run)
    except (InvalidInput, Conflict) as exc:
        return _event_page(request, gs, slug, 422, errors={"file": exc.message})
    return _back(slug, done, "notes")
