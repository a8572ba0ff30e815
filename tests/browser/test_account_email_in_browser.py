"""Password reset and sign-up end to end in Chromium, the emailed links through a real SMTP server.

Every page on the way passes axe; the link works once; a phone-width screen
shows each form without sideways scrolling.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.smtp_sink import SmtpSink

from groundswell.actions.accounts import do_create_user
from groundswell.actions.worker import WorkerConfig, deliver_due
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.mail.compose import MailConfig
from groundswell.mail.transport import smtp_transport

pytestmark = pytest.mark.browser
EMAIL = "browser-reset@example.org"
PASSWORD = "three random words"
NEW_PASSWORD = "a brand new long password"


@pytest.fixture(scope="module")
def account(movement: App) -> str:
    with contextlib.suppress(Conflict):  # the movement outlives this module
        do_create_user(movement, email=EMAIL, display_name="Rae Reset", password=PASSWORD)
    return EMAIL


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def deliver(movement: App, sink: SmtpSink) -> None:
    """The worker's delivery pass, in a thread: Playwright holds this thread's event loop."""
    mail = MailConfig(
        key=b"browser-test", base_url="http://127.0.0.1:8000", org_name="Groundswell",
        mail_from="noreply@example.org",
    )  # fmt: skip
    config = WorkerConfig(mail=mail, transport=smtp_transport(sink.url, None, None))
    worker = threading.Thread(target=deliver_due, args=(movement, config))
    worker.start()
    worker.join(timeout=30)


def reset_path(sink: SmtpSink) -> str:
    [message] = [m for m in sink.to(EMAIL) if "Reset your password" in str(m["Subject"])]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+/account/reset/[A-Za-z0-9_-]+", text)
    assert found, text
    return urlsplit(found.group(0)).path


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_forgotten_password_to_signed_in_with_the_new_one(
    page: Any, movement: App, account: str, sink: SmtpSink,
    assert_accessible: Callable[..., None], console_errors: list[str],
) -> None:  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    assert_accessible(page)
    assert fits_the_screen(page)

    page.get_by_role("button", name="Send me a link").click()  # nothing entered
    assert "Enter your email address" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill(account)
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)

    deliver(movement, sink)
    link = reset_path(sink)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert account in page.locator("main").inner_text()
    assert_accessible(page)
    assert fits_the_screen(page)
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Set new password").click()
    assert "use at least 10" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    assert "/sign-in?reset=true" in page.url
    assert "Your password has been changed" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_label("Email address").fill(account)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"

    page.goto(link)  # the link worked once
    assert page.get_by_role("heading", level=1).inner_text() == "This link no longer works"
    assert_accessible(page)
    # The 422 and 404 answers above show as failed loads; anything else (a CSP block) is a fault.
    assert [e for e in console_errors if "the server responded with a status of" not in e] == []


def confirm_path(sink: SmtpSink, email: str) -> str:
    [message] = sink.to(email)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+/account/verify/[A-Za-z0-9_-]+", text)
    assert found, text
    return urlsplit(found.group(0)).path


@pytest.mark.parametrize("javascript", [True, False])
def test_sign_up_and_confirm_the_address(
    request: pytest.FixtureRequest, movement: App, sink: SmtpSink,
    assert_accessible: Callable[..., None], javascript: bool,
) -> None:  # fmt: skip
    tab = request.getfixturevalue("page" if javascript else "page_without_js")
    check = assert_accessible if javascript else (lambda page: None)  # axe needs scripts
    email = f"browser-sign-up-{'js' if javascript else 'nojs'}@example.org"
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto("/sign-in")
    tab.get_by_role("link", name="Create an account").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Create an account"
    check(tab)
    assert fits_the_screen(tab) if javascript else True
    tab.get_by_label("Your name").fill("Sol Signup")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Choose a password").fill(PASSWORD)
    tab.get_by_role("button", name="Create account").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Check your email"
    check(tab)

    deliver(movement, sink)
    tab.goto(confirm_path(sink, email))
    assert tab.get_by_role("heading", level=1).inner_text() == "Confirm your email address"
    check(tab)
    tab.get_by_role("button", name="Confirm and start my account").click()
    assert "Your account is ready" in tab.locator("main").inner_text()
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Your account"
    check(tab)


ADMIN = "browser-inviter@example.org"


def test_an_admin_invites_and_the_invitee_accepts(
    page: Any, browser: Any, base_url: str, movement: App, sink: SmtpSink,
    assert_accessible: Callable[..., None],
) -> None:  # fmt: skip
    with contextlib.suppress(Conflict):
        do_create_user(movement, email=ADMIN, display_name="Ida Admin", password=PASSWORD,
                       role="admin")  # fmt: skip
    invitee = "browser-invitee@example.org"
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/users")
    page.get_by_role("link", name="invite someone by email").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Invite someone"
    assert_accessible(page)
    page.get_by_label("Their email address").fill(invitee)
    page.get_by_label("Role", exact=True).select_option("moderator")
    page.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {invitee}" in page.locator("main").inner_text()
    assert_accessible(page)

    deliver(movement, sink)
    [message] = sink.to(invitee)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+/account/invitation/[A-Za-z0-9_-]+", text)
    assert found, text
    guest = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    try:
        tab = guest.new_page()
        tab.goto(urlsplit(found.group(0)).path)
        assert tab.get_by_role("heading", level=1).inner_text() == "Accept your invitation"
        assert "Moderator" in tab.locator("main").inner_text()
        assert_accessible(tab)
        assert fits_the_screen(tab)
        tab.get_by_label("Your name").fill("Ivo Invitee")
        tab.get_by_label("Choose a password").fill(PASSWORD)
        tab.get_by_role("button", name="Accept and start my account").click()
        assert "Your account is ready" in tab.locator("main").inner_text()
        tab.get_by_label("Email address").fill(invitee)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        assert "Moderator (everywhere)" in tab.locator("main").inner_text()
    finally:
        guest.close()
