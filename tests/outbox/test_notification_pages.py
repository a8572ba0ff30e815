"""One-click unsubscribe (RFC 8058), preferences by link and by account, and /admin/outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from tests.web.auth_helpers import BASE, PASSWORD, csrf_from, fast_hashing, sign_in  # noqa: F401

from groundswell.actions.accounts import do_create_user
from groundswell.actions.outbox import enqueue_email
from groundswell.actions.preferences import turned_off
from groundswell.actions.worker import WorkerConfig, run_once
from groundswell.app import App
from groundswell.mail.compose import mail_config, unsubscribe_token
from groundswell.mail.transport import FileTransport
from groundswell.store.models import OutboxMessage, OutboxStatus
from groundswell.web import create_app
from groundswell.web.auth import secret_key

pytestmark = pytest.mark.anyio
ANN = "ann@example.org"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def web(app: App) -> FastAPI:
    for email, role in (("ada@example.org", "admin"), ("pat@example.org", "participant")):
        do_create_user(app, email=email, display_name=email[:3], password=PASSWORD, role=role)
    return create_app(app)


@pytest.fixture
async def client(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        yield c


async def test_one_click_unsubscribe_needs_no_cookie_and_a_get_changes_nothing(
    app: App, client: httpx.AsyncClient
) -> None:
    token = unsubscribe_token(secret_key(app), ANN, "digest")
    page = await client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails" in page.text
    assert turned_off(app, ANN) == frozenset()  # a link scanner's GET turns nothing off
    # What a mail provider sends (RFC 8058 section 3.2): no cookie, no CSRF token.
    transport = httpx.ASGITransport(app=client._transport.app)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as provider:
        done = await provider.post(
            f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
    assert done.status_code == 200 and "will not get these emails again" in done.text
    assert turned_off(app, "ANN@example.org") == frozenset({"digest"})
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await client.post(f"/unsubscribe/{forged}")).status_code == 404


async def test_the_link_in_a_message_leads_to_preferences_that_stick(
    app: App, client: httpx.AsyncClient
) -> None:
    token = unsubscribe_token(secret_key(app), ANN, "digest")
    page = await client.get(f"/notifications/{token}")
    assert page.status_code == 200 and 'value="digest" checked' in page.text
    saved = await client.post(
        f"/notifications/{token}",
        data={"csrf_token": csrf_from(page.text), "wanted": ["event", "story_update"]},
    )
    assert saved.status_code == 303
    off = turned_off(app, ANN)
    assert "digest" in off and "event" not in off and "story_update" not in off
    again = await client.get(saved.headers["location"])
    assert 'value="digest" checked' not in again.text and 'value="event" checked' in again.text


async def test_a_signed_in_person_chooses_on_their_account(
    app: App, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/account/notifications")).status_code in (302, 303, 401)
    await sign_in(client, "pat@example.org")
    page = await client.get("/account/notifications")
    assert page.status_code == 200
    await client.post("/account/notifications",
                      data={"csrf_token": csrf_from(page.text), "wanted": ["digest"]})  # fmt: skip
    assert "event" in turned_off(app, "pat@example.org")
    assert "digest" not in turned_off(app, "pat@example.org")


async def test_admins_read_the_outbox_and_retry_a_dead_letter(
    app: App, client: httpx.AsyncClient
) -> None:
    with app.transaction() as session:
        sent = enqueue_email(session, to=ANN, kind="digest", subject="Your week",
                             template="statement_moderated",
                             context={"topic": "T", "text": "Benches please",
                                      "decision": "accepted", "path": "/"})  # fmt: skip
        dead = enqueue_email(session, to="bo@example.org", kind="digest", subject="Lost",
                             template="statement_moderated", context={})  # fmt: skip
    config = mail_config(app.settings, secret_key(app))
    run_once(
        app, WorkerConfig(mail=config, transport=FileTransport(app.settings.data_dir / "outbox"))
    )
    with app.transaction() as session:
        row = session.get(OutboxMessage, dead)
        assert row is not None and row.status is OutboxStatus.DEAD  # StrictUndefined: cannot render
    await sign_in(client, "pat@example.org")
    assert (await client.get("/admin/outbox")).status_code == 403
    await client.post(
        "/sign-out", data={"csrf_token": csrf_from((await client.get("/account")).text)}
    )
    await sign_in(client, "ada@example.org")
    page = await client.get("/admin/outbox")
    assert (
        page.status_code == 200 and "Not delivered" in page.text and "bo@example.org" in page.text
    )
    message = await client.get(f"/admin/outbox/{sent}")
    assert message.status_code == 200 and "Benches please" in message.text
    retried = await client.post(f"/admin/outbox/{dead}/retry",
                                data={"csrf_token": csrf_from(page.text)})  # fmt: skip
    assert retried.status_code == 303
    with app.reading() as session:
        row = session.get(OutboxMessage, dead)
        assert row is not None and row.status is OutboxStatus.QUEUED
