"""The outbox worker inside ``groundswell serve`` for the embedded default (no mail server).

With ``GROUNDSWELL_SMTP_URL`` unset, messages become ``.eml`` files in the
data folder (read at ``/admin/outbox``), and nobody should have to run a
second process to see them: the server runs the worker's pass
(``groundswell.actions.worker.run_once``) in a daemon thread every
``interval`` seconds. With a mail server set, run ``groundswell worker``
(or ``worker --once`` from cron) instead, as many as needed.
"""

from __future__ import annotations

import logging
import threading

from groundswell.actions.jobs import do_schedule, run_job
from groundswell.actions.worker import WorkerConfig, run_once
from groundswell.app import App
from groundswell.mail.compose import mail_config
from groundswell.mail.transport import transport_for
from groundswell.store.models import utcnow
from groundswell.web.auth import secret_key

log = logging.getLogger("groundswell.worker")


def start(gs: App, *, interval: float = 10.0) -> threading.Event | None:
    """Start the in-server worker when no mail server is set; the event stops it."""
    if gs.settings.smtp_url:
        return None
    settings = gs.settings
    config = WorkerConfig(
        mail=mail_config(settings, secret_key(gs)),
        transport=transport_for(settings),
        per_second=settings.mail_per_second,
        attempts=settings.mail_attempts,
        run_job=run_job,
    )
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                do_schedule(gs, utcnow())
                run_once(gs, config)
            except Exception:  # a bad pass is logged; the next one tries again
                log.exception("the in-server outbox worker's pass failed")
            stop.wait(interval)

    threading.Thread(target=loop, name="outbox-worker", daemon=True).start()
    return stop
