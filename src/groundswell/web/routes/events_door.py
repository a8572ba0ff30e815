"""Running an event: create and edit it, and the check-in page hosts use at the door.

Organisers and admins create events (``/events/new``); an event's hosts and
the organisers whose scope covers it edit it and run its door
(``actions.events.may_run``). The check-in page works on a phone and without
JavaScript: the search is a GET form (with htmx it filters as you type), each
tick and undo is a POST per person that, with htmx, swaps just that row and
otherwise comes back to the list where it was. A QR code on an RSVP opens
``/events/<slug>/check-in/<rsvp>``: that one person, ready to tick. The
query here only fills the form's choices (initiatives, campaigns); every
change goes through ``actions.events``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions.accounts import linked_person
from groundswell.actions.check_in import (
    do_check_in,
    do_close_door,
    do_undo_check_in,
    do_walk_in,
    door_list,
    door_row,
)
from groundswell.actions.events import (
    LOCAL,
    EventDetails,
    do_create_event,
    do_edit_event,
    event_view,
    find_event,
    may_create,
    may_run,
    parse_when,
)
from groundswell.actions.rsvps import Contact
from groundswell.app import App
from groundswell.auth.permissions import Principal, SignInRequired
from groundswell.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from groundswell.store.models import Campaign, Initiative
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.routes.events import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

EVENT_FIELDS = ("slug", "title", "description", "starts", "ends", "place", "online_url", "town",
                "hosts", "capacity", "initiative", "campaign", "status")  # fmt: skip
# Which form field an action's message is about ("title: enter ..." -> title).
FIELD_OF = {"slug": "slug", "title": "title", "starts": "starts", "ends": "ends",
            "online link": "online_url", "capacity": "capacity", "place": "place",
            "town": "town", "description": "description", "hosts": "hosts",
            "initiative": "initiative", "campaign": "campaign", "status": "status"}  # fmt: skip


def _principal(request: Request) -> Principal:
    principal = get_principal(request)
    if principal is None:
        raise SignInRequired("sign in to run events")
    return principal


def _runner(request: Request, gs: App, slug: str) -> Principal:
    """The signed-in host or organiser of this event (sign in, or 403, otherwise)."""
    principal = _principal(request)
    with gs.reading() as session:
        if not may_run(session, find_event(session, slug), principal):
            raise PermissionDenied("only this event's hosts and its organisers run it")
    return principal


def _choices(gs: App) -> dict[str, list[tuple[str, str]]]:
    with gs.reading() as session:
        return {
            "initiatives": [(s, n) for s, n in session.execute(
                select(Initiative.slug, Initiative.name).order_by(Initiative.name))],
            "campaigns": [(s, n) for s, n in session.execute(
                select(Campaign.slug, Campaign.name).order_by(Campaign.name))],
        }  # fmt: skip


def _details(v: dict[str, str]) -> EventDetails:
    capacity = v["capacity"].strip()
    if capacity and not (capacity.isdigit() and len(capacity) < 10):
        raise InvalidInput("capacity: give a whole number of places, or leave it empty")
    return EventDetails(
        title=v["title"], starts_at=parse_when(v["starts"], "starts"),
        ends_at=parse_when(v["ends"], "ends") if v["ends"].strip() else None,
        description=v["description"], place=v["place"], online_url=v["online_url"],
        town=v["town"], capacity=int(capacity) if capacity else None,
        hosts=[h for h in v["hosts"].replace(";", ",").split(",")],
        initiative=v["initiative"], campaign=v["campaign"],
    )  # fmt: skip


def _form(request: Request, gs: App, values: dict[str, str], *, editing: str | None,
          status: int = 200, errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    return render(request, "events/edit.html", status, v=values, editing=editing,
                  errors=errors or {}, **_choices(gs))  # fmt: skip


@router.get("/events/new")
def new_page(request: Request, gs: GsApp) -> HTMLResponse:
    principal = _principal(request)
    if not may_create(principal):
        raise PermissionDenied("organisers and admins create events; ask an admin")
    values = dict.fromkeys(EVENT_FIELDS, "")
    values["hosts"] = linked_person(gs, principal.user_id) or ""
    return _form(request, gs, values, editing=None)


def _save(request: Request, gs: App, values: dict[str, str], editing: str | None) -> Response:
    principal = _principal(request)
    try:
        details = _details(values)
        if editing is None:
            slug = do_create_event(gs, values["slug"], details, actor=principal.email)
        else:
            slug = editing
            do_edit_event(gs, slug, details, status=values["status"] or None,
                          actor=principal.email)  # fmt: skip
    except (InvalidInput, NotFound, Conflict) as exc:
        field, _, message = exc.message.partition(": ")
        name = FIELD_OF.get(field, "title")
        # A host or initiative that is not there is a mistake in the form, not a missing page.
        status = 409 if isinstance(exc, Conflict) else 422
        return _form(request, gs, values, editing=editing, status=status,
                     errors={name: (message or exc.message).capitalize()})  # fmt: skip
    return RedirectResponse(f"/events/{slug}", status_code=303)


@router.post("/events/new")
async def create(request: Request, gs: GsApp) -> Response:
    principal = _principal(request)
    if not may_create(principal):
        raise PermissionDenied("organisers and admins create events; ask an admin")
    form = await request.form()
    values = {f: str(form.get(f, "")) for f in EVENT_FIELDS}
    return _save(request, gs, values, None)


@router.get("/events/{slug}/edit")
def edit_page(request: Request, gs: GsApp, slug: str) -> HTMLResponse:
    _runner(request, gs, slug)
    with gs.reading() as session:
        v = event_view(session, slug)
    local = "%Y-%m-%dT%H:%M"
    values = {"slug": v.slug, "title": v.title, "description": v.description,
              "starts": v.starts_at.astimezone(LOCAL).strftime(local) if v.starts_at else "",
              "ends": v.ends_at.astimezone(LOCAL).strftime(local) if v.ends_at else "",
              "place": v.place, "online_url": v.online_url, "town": v.town,
              "hosts": ", ".join(v.host_refs), "capacity": str(v.capacity or ""),
              "initiative": v.initiative or "", "campaign": v.campaign or "",
              "status": v.status}  # fmt: skip
    return _form(request, gs, values, editing=slug)


@router.post("/events/{slug}/edit")
async def edit(request: Request, gs: GsApp, slug: str) -> Response:
    _runner(request, gs, slug)
    form = await request.form()
    values = {f: str(form.get(f, "")) for f in EVENT_FIELDS}
    values["slug"] = slug
    return _save(request, gs, values, slug)


def _door(request: Request, gs: App, slug: str, q: str, **context: Any) -> HTMLResponse:
    principal = _runner(request, gs, slug)
    rows, came, expected = door_list(gs, slug, search=q, actor=principal.email)
    with gs.reading() as session:
        event = event_view(session, slug)
    template = "events/_door_list.html" if request.headers.get("hx-request") == "true" and \
        request.headers.get("hx-target") == "door-list" else "events/door.html"  # fmt: skip
    values: dict[str, Any] = {"display_name": "", "email": "", "phone": "", "errors": {},
                              "added": None, "q": q}  # fmt: skip
    values.update(context)
    return render(request, template, values.pop("status", 200), event=event, rows=rows,
                  came=came, expected=expected, **values)  # fmt: skip


@router.get("/events/{slug}/check-in")
def door_page(request: Request, gs: GsApp, slug: str, q: str = "", added: str = "") -> HTMLResponse:
    return _door(request, gs, slug, q[:80], added=added or None)


@router.get("/events/{slug}/check-in/{rsvp_id}")
def one_person(request: Request, gs: GsApp, slug: str, rsvp_id: Id) -> HTMLResponse:
    """Where an RSVP's QR code leads a host: that person, ready to tick."""
    _runner(request, gs, slug)
    row = door_row(gs, slug, rsvp_id)
    with gs.reading() as session:
        event = event_view(session, slug)
    return render(request, "events/door_one.html", event=event, row=row, q="")


def _after(request: Request, slug: str, row: Any, q: str) -> Response:
    if request.headers.get("hx-request") == "true":
        return render(request, "events/_door_row.html", event={"slug": slug}, row=row, q=q)
    back = f"/events/{slug}/check-in?q={quote(q)}#rsvp-{row.rsvp_id}"
    return RedirectResponse(back, status_code=303)


@router.post("/events/{slug}/check-in/{rsvp_id}")
def tick(
    request: Request, gs: GsApp, slug: str, rsvp_id: Id, q: Annotated[str, Form()] = ""
) -> Response:
    principal = _runner(request, gs, slug)
    return _after(request, slug, do_check_in(gs, slug, rsvp_id, actor=principal.email), q[:80])


@router.post("/events/{slug}/check-in/{rsvp_id}/undo")
def untick(
    request: Request, gs: GsApp, slug: str, rsvp_id: Id, q: Annotated[str, Form()] = ""
) -> Response:
    principal = _runner(request, gs, slug)
    return _after(request, slug, do_undo_check_in(gs, slug, rsvp_id, actor=principal.email), q[:80])


@router.post("/events/{slug}/walk-in")
def walk_in(
    request: Request,
    gs: GsApp,
    slug: str,
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    consent_contact: Annotated[str, Form()] = "",
) -> Response:
    principal = _runner(request, gs, slug)
    contact = Contact(display_name, email, phone, consent_contact == "yes")
    try:
        row = do_walk_in(gs, slug, contact, actor=principal.email)
    except InvalidInput as exc:
        field, _, message = exc.message.partition(": ")
        name = {"email": "email", "phone": "phone"}.get(field, "display_name")
        return _door(request, gs, slug, "", status=422, errors={name: message.capitalize()},
                     display_name=display_name, email=email, phone=phone)  # fmt: skip
    return RedirectResponse(
        f"/events/{slug}/check-in?added={quote(row.display_name)}#walk-in", status_code=303
    )


@router.post("/events/{slug}/close")
def close(request: Request, gs: GsApp, slug: str) -> Response:
    principal = _runner(request, gs, slug)
    do_close_door(gs, slug, actor=principal.email)
    return RedirectResponse(f"/events/{slug}?closed=1", status_code=303)
