"""``groundswell serve`` with no mail server writes the outbox's .eml files itself."""

from __future__ import annotations

import time
from pathlib import Path

from groundswell.actions.outbox import enqueue_email
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.web import embedded_worker


def test_the_server_writes_eml_files_when_no_mail_server_is_set(app: App, tmp_path: Path) -> None:
    with app.transaction() as session:
        enqueue_email(session, to="ann@example.org", kind="pledge_nudge", subject="Your pledge",
                      template="pledge_nudge",
                      context={"text": "Walk", "days": 15, "path": "/"})  # fmt: skip
    stop = embedded_worker.start(app, interval=0.05)
    assert stop is not None
    folder = tmp_path / "outbox"
    try:
        deadline = time.monotonic() + 20
        while not list(folder.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    [written] = list(folder.glob("*.eml"))
    assert b"Subject: Your pledge" in written.read_bytes()


def test_with_a_mail_server_set_the_server_leaves_it_to_groundswell_worker(
    tmp_path: Path,
) -> None:
    settings = load_settings({}, data_dir=tmp_path, database_url="sqlite://",
                             smtp_url="smtp://mail.example.org:587?starttls=1")  # fmt: skip
    instance = App.build(settings)
    try:
        assert embedded_worker.start(instance) is None
    finally:
        instance.close()
