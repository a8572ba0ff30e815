"""``/admin/outbox``: what was sent, what waits, and the dead letters to retry (admins only).

With no mail server set (``GROUNDSWELL_SMTP_URL`` unset) messages are ``.eml``
files in the data folder's outbox; an admin reads each one here, which is
how the demo shows its email. The list names addresses, so each view is audited.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.audit import do_record_access
from groundswell.actions.outbox import do_retry, list_outbox
from groundswell.auth.permissions import Action, require
from groundswell.errors import NotFound
from groundswell.mail.compose import mail_config, message_id
from groundswell.mail.transport import OUTBOX_FOLDER
from groundswell.store.models import OutboxStatus
from groundswell.web.auth import SignedInUser, secret_key
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


STATUSES = [s.value for s in OutboxStatus]


@router.get("/admin/outbox")
def outbox(request: Request, gs: GsApp, user: SignedInUser, status: str = "") -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    chosen = status if status in STATUSES else None
    rows = list_outbox(gs, status=chosen, limit=200)
    dead = list_outbox(gs, status="dead", limit=50) if chosen is None else []
    do_record_access(gs, user.email, "outbox.list", detail={"rows": len(rows) + len(dead)})
    return render(request, "admin/outbox.html", rows=rows, dead=dead, shown=chosen,
                  statuses=STATUSES, files=not gs.settings.smtp_url,
                  folder=gs.settings.data_dir / OUTBOX_FOLDER)  # fmt: skip


def _read_file(gs: GsApp, message: int) -> EmailMessage:
    config = mail_config(gs.settings, secret_key(gs))
    path = gs.settings.data_dir / OUTBOX_FOLDER / (message_id(config, message).strip("<>") + ".eml")
    try:
        raw = path.read_bytes()
    except OSError:
        raise NotFound(
            f"message {message} has no file in {path.parent}: it is not sent yet, or it "
            "went to the mail server"
        ) from None
    parsed: EmailMessage = message_from_bytes(raw, policy=policy.default)
    return parsed


@router.get("/admin/outbox/{message}")
def one_message(request: Request, gs: GsApp, user: SignedInUser, message: Id) -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    parsed = _read_file(gs, message)
    body = parsed.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    do_record_access(gs, user.email, "outbox.read", "outbox_message", message)
    headers = [(k, str(parsed[k])) for k in ("From", "To", "Subject", "Date", "Message-ID",
                                             "List-Unsubscribe") if parsed[k]]  # fmt: skip
    return render(request, "admin/outbox_message.html", id=message, headers=headers, text=text)


@router.post("/admin/outbox/{message}/retry")
def retry(gs: GsApp, user: SignedInUser, message: Id) -> Response:
    require(user, Action.MANAGE_USERS)
    do_retry(gs, message)
    return RedirectResponse(f"/admin/outbox?retried={message}", status_code=303)
