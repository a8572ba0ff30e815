"""Unsubscribing and choosing what to hear on a phone, and an admin's outbox, in Chromium."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest

from groundswell.actions.accounts import do_create_user
from groundswell.actions.outbox import enqueue_email
from groundswell.actions.preferences import turned_off
from groundswell.actions.worker import WorkerConfig, run_once
from groundswell.app import App
from groundswell.errors import Conflict
from groundswell.mail.compose import mail_config, unsubscribe_token
from groundswell.mail.transport import OUTBOX_FOLDER, FileTransport
from groundswell.web.auth import secret_key

pytestmark = pytest.mark.browser
PASSWORD = "three random words"
PHONE = {"width": 390, "height": 844}
ADMIN = "outbox-admin@example.org"
READER = "digest-reader@example.org"


def test_one_click_from_an_email_then_choosing_what_to_hear_on_a_phone(
    page: Any, movement: App, console_errors: list[str], assert_accessible: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    token = unsubscribe_token(secret_key(movement), READER, "digest")
    page.goto(f"/unsubscribe/{token}")
    assert_accessible(page)
    assert turned_off(movement, READER) == frozenset()  # opening the link changes nothing
    page.get_by_role("button", name="Stop these emails").click()
    page.get_by_role("heading", name="You will not get these emails again").wait_for()
    assert_accessible(page)
    assert turned_off(movement, READER) == frozenset({"digest"})
    page.get_by_role("link", name="Choose what else you hear about").click()
    assert not page.get_by_label("A weekly digest of what happened in what you follow").is_checked()
    page.get_by_label("Event confirmations, reminders the day before and thank-yous").uncheck()
    page.get_by_label("A weekly digest of what happened in what you follow").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your choices are saved.").wait_for()
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"
    assert turned_off(movement, READER) == frozenset({"event"})
    assert console_errors == []


def test_an_admin_reads_a_sent_message_and_retries_a_dead_one(
    page: Any, movement: App, console_errors: list[str], assert_accessible: Callable[..., None]
) -> None:
    with contextlib.suppress(Conflict):
        do_create_user(movement, email=ADMIN, display_name="Outbox Admin", password=PASSWORD,
                       role="admin")  # fmt: skip
    with movement.transaction() as session:
        sent = enqueue_email(session, to="walker@example.org", kind="pledge_nudge",
                             subject="How is your pledge going?", template="pledge_nudge",
                             context={"text": "Walk the prom on Sundays", "days": 15,
                                      "path": "/pledges"})  # fmt: skip
        dead = enqueue_email(session, to="lost@example.org", kind="pledge_nudge",
                             subject="Cannot be written", template="pledge_nudge",
                             context={})  # fmt: skip
    files = FileTransport(movement.settings.data_dir / OUTBOX_FOLDER)
    config = mail_config(movement.settings, secret_key(movement))
    run_once(movement, WorkerConfig(mail=config, transport=files))
    page.goto("/sign-in?next=/admin/outbox")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/outbox$"))
    assert_accessible(page)
    assert "lost@example.org" in page.locator("#dead").inner_text()
    page.get_by_role("link", name="How is your pledge going?").first.click()
    page.wait_for_url(re.compile(rf"/admin/outbox/{sent}$"))
    assert "Walk the prom on Sundays" in page.locator("#message-text").inner_text()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name=f"Try again message {dead}").click()
    page.wait_for_url(re.compile(rf"/admin/outbox\?retried={dead}$"))
    page.get_by_text(f"Message {dead} is queued again").wait_for()
    assert_accessible(page)
    assert console_errors == []
