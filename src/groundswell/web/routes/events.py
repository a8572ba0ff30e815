"""Event pages anyone can use: the list, an event, RSVP without an account, the private link.

``/events`` lists upcoming and past events; ``/events/<slug>`` shows one with
an RSVP form (name, optional email and phone, whether organisers may contact
them, access needs) or, for a signed-in person, one button. The answer leads
to the private link ``/events/<slug>/rsvp/<token>``: the RSVP, a QR code a host
can scan at the door, and a cancel button. RSVPs are public writes: rate
limited like other submissions, CSRF-protected like every form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions.events import LOCAL, event_view, list_events, may_create, may_run
from groundswell.actions.events import find_event as _find_event
from groundswell.actions.rsvps import (
    Contact,
    answered_by,
    do_cancel_rsvp,
    do_rsvp,
    rsvp_by_token,
)
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput
from groundswell.store.models import Person, User, utcnow
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

FIELDS = ("display_name", "email", "phone", "consent_contact", "accessibility")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render_page(
        request, template, status, **{"current_path": "/events", "when": when, **context}
    )


def when(value: datetime | None, end: datetime | None = None) -> str:
    """'Friday 1 May 2026, 18:00 to 20:00' in UK time."""
    if value is None:
        return "date to be confirmed"
    start = value.astimezone(LOCAL)
    text = f"{start:%A} {start.day} {start:%B %Y, %H:%M}"
    if end is not None:
        finish = end.astimezone(LOCAL)
        same = finish.date() == start.date()
        text += (
            f" to {finish:%H:%M}" if same else f" to {finish:%A} {finish.day} {finish:%B, %H:%M}"
        )
    return text


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI: an <img> the CSP allows (img-src data:)."""
    return str(segno.make(text, error="m").svg_data_uri(scale=4, border=2))


def linked_person(gs: App, request: Request) -> tuple[int | None, str | None]:
    """The signed-in user's person id and name, when their account is linked to one."""
    principal = get_principal(request)
    if principal is None:
        return None, None
    with gs.reading() as session:
        row = session.execute(
            select(Person.id, Person.display_name)
            .join(User, User.person_id == Person.id)
            .where(User.id == principal.user_id)
        ).first()
    return (row[0], row[1] or principal.display_name) if row else (None, None)


@router.api_route("/events", methods=["GET", "HEAD"])
def events_page(request: Request, gs: GsApp) -> HTMLResponse:
    with gs.reading() as session:
        upcoming, past = list_events(session)
    return render(request, "events/list.html", upcoming=upcoming, past=past[:50],
                  can_create=may_create(get_principal(request)))  # fmt: skip


def _event_page(
    request: Request, gs: App, slug: str, status: int = 200, **context: Any
) -> HTMLResponse:
    person_id, person_name = linked_person(gs, request)
    with gs.reading() as session:
        view = event_view(session, slug)
        runs = may_run(session, _find_event(session, slug), get_principal(request))
        answered = answered_by(session, slug, person_id)
    values: dict[str, Any] = {f: "" for f in FIELDS}
    values.update(errors={}, error=None)
    values.update(context)
    return render(request, "events/page.html", status, event=view, runs=runs,
                  person_name=person_name, answered=answered,
                  over=view.is_over(utcnow()), **values)  # fmt: skip


@router.api_route("/events/{slug}", methods=["GET", "HEAD"])
def event_page(request: Request, gs: GsApp, slug: str) -> HTMLResponse:
    return _event_page(request, gs, slug)


# A public write: limited per visitor like statements (GROUNDSWELL_SUBMISSIONS_PER_MINUTE).
@router.post("/events/{slug}/rsvp", dependencies=[rate_limit("submission")])
def rsvp(
    request: Request,
    gs: GsApp,
    slug: str,
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    consent_contact: Annotated[str, Form()] = "",
    accessibility: Annotated[str, Form()] = "",
    as_me: Annotated[str, Form()] = "",
) -> Response:
    values = {"display_name": display_name, "email": email, "phone": phone,
              "consent_contact": consent_contact, "accessibility": accessibility}  # fmt: skip
    person_id, person_name = linked_person(gs, request)
    principal = get_principal(request)
    actor = principal.email if principal else "visitor"
    if as_me == "yes" and person_id is not None:
        with gs.reading() as session:
            consent = bool(session.scalar(select(Person.consent_contact).where(
                Person.id == person_id)))  # fmt: skip
        contact = Contact(person_name or "", consent_contact=consent, accessibility=accessibility)
    else:
        person_id = None
        contact = Contact(display_name, email, phone, consent_contact == "yes", accessibility)
    try:
        made = do_rsvp(gs, slug, contact, person_id=person_id, actor=actor)
    except InvalidInput as exc:
        field, _, message = exc.message.partition(": ")
        name = {"name": "display_name", "email": "email", "phone": "phone",
                "access needs": "accessibility"}.get(field, "display_name")  # fmt: skip
        return _event_page(request, gs, slug, 422, errors={name: message.capitalize()}, **values)
    except Conflict as exc:
        return _event_page(request, gs, slug, 409, error=exc.message.capitalize(), **values)
    return RedirectResponse(f"/events/{slug}/rsvp/{made.token}?new=1", status_code=303)


@router.get("/events/{slug}/rsvp/{token}")
def rsvp_page(request: Request, gs: GsApp, slug: str, token: str, new: str = "") -> HTMLResponse:
    view = rsvp_by_token(gs, slug, token)
    with gs.reading() as session:
        event = event_view(session, slug)
    door = str(request.base_url).rstrip("/") + f"/events/{slug}/check-in/{view.id}"
    return render(request, "events/rsvp.html", rsvp=view, event=event, token=token,
                  new=new == "1", qr=qr_data_uri(door), door=door)  # fmt: skip


# Limited too: each try is a guess at a private link.
@router.post("/events/{slug}/rsvp/{token}/cancel", dependencies=[rate_limit("submission")])
def cancel(request: Request, gs: GsApp, slug: str, token: str) -> Response:
    do_cancel_rsvp(gs, slug, token)
    return RedirectResponse(f"/events/{slug}/rsvp/{token}", status_code=303)
