"""Accounts by email end to end: the pages, ``groundswell worker --once`` and a real SMTP server.

Each link is taken from the message the SMTP server received, as a person
would click it: invitation -> account -> linked; sign-up -> confirmed ->
linked; password reset. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
from auth_helpers import PASSWORD, csrf_from, fast_hashing, sign_in  # noqa: F401
from fastapi import FastAPI
from sqlalchemy import select
from tests.conftest import postgres_url, reset_postgres
from tests.smtp_sink import SmtpSink

from groundswell.actions.accounts import do_create_user, linked_person
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import NotificationOptOut, Person, User
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
BASE = "https://testserver"
ADMIN = "ada@example.org"
NEW_PASSWORD = "four other random words"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def mailing_app(
    request: pytest.FixtureRequest, tmp_path: Path, sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> Iterator[App]:
    """An App whose mail goes to ``sink``, with the same settings in the environment for the CLI."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gs.db'}"
    else:
        pg = postgres_url()
        if not pg:
            pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this run")
        reset_postgres(pg)
        url = pg
    env = {
        "GROUNDSWELL_DATABASE_URL": url, "GROUNDSWELL_DATA_DIR": str(tmp_path),
        "GROUNDSWELL_SMTP_URL": sink.url, "GROUNDSWELL_BASE_URL": BASE,
        "GROUNDSWELL_ORG_NAME": "Bay Moves",
    }  # fmt: skip
    for name in [n for n in __import__("os").environ if n.upper().startswith("GROUNDSWELL_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    instance = App.build(load_settings(env))
    instance.upgrade()
    do_create_user(instance, email=ADMIN, display_name="Ada", password=PASSWORD, role="admin")
    yield instance
    instance.close()


@pytest.fixture
async def browser(mailing_app: App) -> AsyncIterator[httpx.AsyncClient]:
    web: FastAPI = create_app(mailing_app)
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


def run_worker() -> None:
    """``groundswell worker --once``, as cron would run it (here in this process)."""
    from groundswell.cli.main import main

    assert main(["worker", "--once"]) == 0


async def deliver() -> None:
    await anyio.to_thread.run_sync(run_worker)  # the worker runs its own event loop


def one_mail(sink: SmtpSink, to: str, subject: str) -> EmailMessage:
    got = [m for m in sink.to(to) if subject in str(m["Subject"])]
    assert len(got) == 1, [str(m["Subject"]) for m in sink.to(to)]
    return got[0]


def link_in(message: EmailMessage, path: str) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(re.escape(BASE + path) + r"[A-Za-z0-9_-]+", text)
    assert found, text
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert found.group(0) in html  # the same link in both parts
    return urlsplit(found.group(0)).path


async def form(client: httpx.AsyncClient, path: str, page: str, **data: str) -> httpx.Response:
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    return await client.post(path, data={**data, "csrf_token": csrf_from(shown.text)})


def add_person(app: App, ref: str, email: str) -> None:
    with app.transaction() as session:
        session.add(Person(ref=ref, email=email, consent_contact=True))


async def test_invitation_then_sign_up_each_confirmed_and_linked(
    mailing_app: App, browser: httpx.AsyncClient, sink: SmtpSink
) -> None:
    add_person(mailing_app, "p-olu", "olu@example.org")
    add_person(mailing_app, "p-sam", "sam@example.org")
    # An admin invites Olu as an organiser of Morecambe, linked to their record.
    assert (await sign_in(browser, ADMIN)).status_code == 303
    sent = await form(
        browser, "/admin/users/invite", "/admin/users/invite", email="olu@example.org",
        role="organiser", scope="town:Morecambe", person="p-olu",
    )  # fmt: skip
    assert sent.status_code == 200 and "Invitation sent" in sent.text
    await browser.post("/sign-out", data={"csrf_token": csrf_from(sent.text)})
    assert sink.messages == []  # nothing leaves before the worker runs
    await deliver()
    invited = one_mail(sink, "olu@example.org", "You are invited to Bay Moves")
    assert invited["From"].addresses[0].display_name == "Bay Moves"
    assert "List-Unsubscribe" not in invited  # an account email is not a mailing
    accepted = await form(
        browser, link := link_in(invited, "/account/invitation/"), link,
        name="Olu Ade", password=PASSWORD,
    )  # fmt: skip
    assert accepted.status_code == 303
    assert (await sign_in(browser, "olu@example.org")).status_code == 303
    account = await browser.get("/account")
    assert "Organiser" in account.text and "Morecambe" in account.text
    await browser.post("/sign-out", data={"csrf_token": csrf_from(account.text)})

    # Sam signs up; the account starts when the emailed link is opened, linked by address.
    asked = await form(
        browser, "/account/sign-up", "/account/sign-up", name="Sam", email="sam@example.org",
        password=PASSWORD,
    )  # fmt: skip
    assert "Check your email" in asked.text
    await deliver()
    confirm = one_mail(sink, "sam@example.org", "Confirm your email address for Bay Moves")
    link = link_in(confirm, "/account/verify/")
    assert (await sign_in(browser, "sam@example.org")).status_code == 401  # not yet
    done = await form(browser, link, link)
    assert done.status_code == 303 and done.headers["location"] == "/sign-in?confirmed=true"
    assert (await sign_in(browser, "sam@example.org")).status_code == 303
    with mailing_app.reading() as session:
        ids = {e: i for e, i in session.execute(select(User.email, User.id))}
    assert linked_person(mailing_app, ids["olu@example.org"]) == "p-olu"
    assert linked_person(mailing_app, ids["sam@example.org"]) == "p-sam"
    assert len(sink.messages) == 2  # one email each, nothing else


async def test_password_reset_by_email_even_for_an_address_that_turned_mail_off(
    mailing_app: App, browser: httpx.AsyncClient, sink: SmtpSink
) -> None:
    from groundswell.actions.outbox import address_hash

    with mailing_app.transaction() as session:
        session.add(NotificationOptOut(address_hash=address_hash(ADMIN), kind="*"))
    for email in (ADMIN, "nobody@example.org"):
        answer = await form(browser, "/account/reset", "/account/reset", email=email)
        assert answer.status_code == 200 and "Check your email" in answer.text
    await deliver()
    assert sink.to("nobody@example.org") == []  # an unknown address gets nothing
    reset = one_mail(sink, ADMIN, "Reset your password for Bay Moves")
    link = link_in(reset, "/account/reset/")
    changed = await form(browser, link, link, password=NEW_PASSWORD)
    assert changed.status_code == 303
    assert (await sign_in(browser, ADMIN)).status_code == 401
    assert (await sign_in(browser, ADMIN, NEW_PASSWORD)).status_code == 303
    reused = await browser.get(link)
    assert reused.status_code == 404 and "This link no longer works" in reused.text


def test_the_worker_sends_each_account_email_once(mailing_app: App, sink: SmtpSink) -> None:
    from groundswell.actions.invitations import do_invite
    from groundswell.store.models import utcnow

    do_invite(
        mailing_app, email="pat@example.org", actor=ADMIN, now=utcnow(), base_url=BASE,
        org_name="Bay Moves",
    )  # fmt: skip
    run_worker()
    run_worker()
    [only] = sink.to("pat@example.org")
    assert only["Message-ID"]
