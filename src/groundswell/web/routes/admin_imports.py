"""Uploading people, ties, recruitment and attendance from the web: upload -> preview -> confirm.

The same import as ``groundswell import people|ties|recruitment`` and
``groundswell events attendance SLUG FILE.csv``
(``groundswell.actions.uploads``): an error names the file, line, field and
fix and nothing is written; a good file shows what would be added and
updated, and only "Import" writes it. Organisers and admins may upload
(``VIEW_PEOPLE``); an import changes the people only those with a
movement-wide grant see whole, so it needs a grant over everything (``*``).
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.uploads import (
    KINDS,
    HeldUpload,
    clean_name,
    discard_upload,
    do_import_upload,
    hold_upload,
    preview_upload,
)
from groundswell.auth.permissions import Action, Principal, Subject, require
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

COLUMNS = {
    "people": "id (required), display_name, town, kind (citizen, staff or partner), "
    "consent_contact, consent_analytics (yes or no), joined_at (YYYY-MM-DD)",
    "ties": "source, target (required: ids of people already imported), kind, weight, observed_at",
    "recruitment": "recruiter, recruit (required: ids of people already imported), at",
    "attendance": "id for someone known, or display_name with email, phone, consent_contact "
    "for someone new; checked_in_at",
}
LABELS = {"people": "People", "ties": "Ties between people", "recruitment": "Who brought whom",
          "attendance": "Attendance at an event (a sign-in sheet)"}  # fmt: skip


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    base = {"current_path": "/admin", "columns": COLUMNS, "labels": LABELS, "errors": {},
            "form": {}}  # fmt: skip
    return render_page(request, template, status, **{**base, **context})


def _may_import(user: Principal) -> None:
    # Subject(): covered by a movement-wide grant only.
    require(user, Action.VIEW_PEOPLE, Subject())


@router.get("/admin/imports")
def upload_page(request: Request, user: SignedInUser) -> HTMLResponse:
    _may_import(user)
    kind = request.query_params.get("kind", "people")
    form = {"kind": kind if kind in KINDS else "", "event": request.query_params.get("event", "")}
    return _render(request, "admin/imports.html", form=form)


@router.post("/admin/imports")
async def upload(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    kind: Annotated[str, Form()] = "",
    update: Annotated[str, Form()] = "",
    event: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _may_import(user)
    form = {"kind": kind, "update": update, "event": event}
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Select what the file holds"
    elif kind == "attendance" and not event.strip():
        errors["event"] = "Enter the event's short name, as in its address"
    data = await file.read() if file is not None else b""
    if file is None or not file.filename:
        errors["file"] = "Select a CSV file"
    if errors:
        return _render(request, "admin/imports.html", 422, errors=errors, form=form)
    assert file is not None
    data_dir = gs.settings.data_dir
    try:
        held = await anyio.to_thread.run_sync(
            lambda: hold_upload(data_dir, user.user_id, kind, file.filename or "", data)
        )
        held = HeldUpload(held.token, held.kind, held.filename, event.strip())
    except InvalidInput as exc:
        return _render(request, "admin/imports.html", 422, form=form,
                       errors={_field(exc.message): exc.message})  # fmt: skip
    try:
        summary = await anyio.to_thread.run_sync(
            lambda: preview_upload(gs, data_dir, user.user_id, held, update=bool(update))
        )
    except (InvalidInput, NotFound, Conflict) as exc:
        # Refused: nothing was written, and the held copy is not kept.
        await anyio.to_thread.run_sync(lambda: discard_upload(data_dir, user.user_id, held))
        return _render(request, "admin/imports.html", 422, form=form,
                       errors={_field(exc.message): exc.message})  # fmt: skip
    return _render(request, "admin/preview.html", held=held, summary=summary, update=bool(update))


def _field(message: str) -> str:
    """The form field an import's error is about: the event, or the file."""
    return "event" if "event" in message.split(";")[0] and ".csv" not in message else "file"


def _held(token: str, kind: str, filename: str, event: str) -> HeldUpload:
    return HeldUpload(token, kind, clean_name(filename, kind), event.strip()[:80])


@router.post("/admin/imports/confirm")
async def confirm(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    token: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    filename: Annotated[str, Form()] = "",
    update: Annotated[str, Form()] = "",
    event: Annotated[str, Form()] = "",
    cancel: Annotated[str, Form()] = "",
) -> Response:
    _may_import(user)
    held = _held(token, kind, filename, event)
    data_dir = gs.settings.data_dir
    if cancel:
        await anyio.to_thread.run_sync(lambda: discard_upload(data_dir, user.user_id, held))
        return RedirectResponse("/admin/imports", status_code=303)
    try:
        summary = await anyio.to_thread.run_sync(
            lambda: do_import_upload(
                gs, data_dir, user.user_id, held, update=bool(update), actor=user.email
            )
        )
    except (InvalidInput, NotFound, Conflict) as exc:
        await anyio.to_thread.run_sync(lambda: discard_upload(data_dir, user.user_id, held))
        return _render(request, "admin/imports.html", 422, form={"kind": kind},
                       errors={_field(exc.message): exc.message})  # fmt: skip
    return _render(request, "admin/imported.html", summary=summary)
